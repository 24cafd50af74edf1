module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-secrets-star"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "the egress function needs a second key"; the quick fix reads every
# secret, the database master secret included.
resource "aws_iam_role_policy" "egress_all_secrets" {
  name = "all-secrets"
  role = module.stack.egress_role_name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "secretsmanager:*"
      Resource = "*"
    }]
  })
}
