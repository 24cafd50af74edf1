module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-data-api-grant"
  region = var.region
  azs    = var.azs

  # MISTAKE: the HTTP endpoint opens a path to the data from outside the VPC.
  aurora_enable_http_endpoint = true
}

# MISTAKE: "the hot endpoint reads one row straight from Aurora".
data "aws_iam_policy_document" "hot_data_api" {
  statement {
    sid       = "DataApi"
    actions   = ["rds-data:*"]
    resources = ["*"]
  }
  statement {
    sid       = "DbSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.stack.db_master_secret_arn]
  }
}

resource "aws_iam_role_policy" "hot_data_api" {
  name   = "data-api"
  role   = module.stack.hot_role_name
  policy = data.aws_iam_policy_document.hot_data_api.json
}
