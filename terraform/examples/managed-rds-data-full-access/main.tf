module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-rds-data-full"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "the hot path will use the Data API later"; AmazonRDSDataFullAccess
# grants rds-data on every cluster and GetSecretValue on every
# rds-db-credentials/* secret. The HTTP endpoint is still off, so there is no
# path to the data yet: the grants alone are the finding.
resource "aws_iam_role_policy_attachment" "hot_rds_data" {
  role       = module.stack.hot_role_name
  policy_arn = "arn:aws:iam::aws:policy/AmazonRDSDataFullAccess"
}
