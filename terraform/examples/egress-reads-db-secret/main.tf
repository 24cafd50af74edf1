module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-egress-reads-db-secret"
  region = var.region
  azs    = var.azs
}

# MISTAKE: the egress role reads the database master secret. The ARN is known
# only after apply, so the policy JSON is unknown at plan time.
resource "aws_iam_role_policy" "egress_db_secret" {
  name = "db-secret"
  role = module.stack.egress_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = module.stack.db_master_secret_arn
    }]
  })
}
