module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-secret-public-policy"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "let the other account read the key"; Principal "*" lets anyone.
resource "aws_secretsmanager_secret_policy" "api_key" {
  secret_arn          = module.stack.egress_api_key_secret_arn
  block_public_policy = false
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "ShareKey"
      Effect    = "Allow"
      Principal = "*"
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }]
  })
}
