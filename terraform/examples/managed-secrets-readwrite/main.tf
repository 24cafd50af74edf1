module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-managed-secrets-readwrite"
  region = var.region
  azs    = var.azs
}

# MISTAKE: the managed policy grants secretsmanager:* on every secret, the
# database master secret included.
resource "aws_iam_role_policy_attachment" "egress_secrets_rw" {
  role       = module.stack.egress_role_name
  policy_arn = "arn:aws:iam::aws:policy/SecretsManagerReadWrite"
}
