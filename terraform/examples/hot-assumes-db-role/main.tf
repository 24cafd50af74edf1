module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-hot-assumes-db-role"
  region = var.region
  azs    = var.azs
}

# A reporting role that may read the database master secret. Its trust
# policy admits the whole account...
data "aws_iam_policy_document" "reporting_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}

resource "aws_iam_role" "reporting" {
  name               = "ex-hot-assumes-reporting"
  assume_role_policy = data.aws_iam_policy_document.reporting_trust.json
}

data "aws_iam_policy_document" "reporting" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.stack.db_master_secret_arn]
  }
}

resource "aws_iam_role_policy" "reporting" {
  name   = "read-db-secret"
  role   = aws_iam_role.reporting.id
  policy = data.aws_iam_policy_document.reporting.json
}

# MISTAKE: "the hot path needs a report now and then": the hot role may assume
# the reporting role, so the hot function reaches the database secret.
data "aws_iam_policy_document" "hot_assume" {
  statement {
    actions   = ["sts:AssumeRole"]
    resources = [aws_iam_role.reporting.arn]
  }
}

resource "aws_iam_role_policy" "hot_assume" {
  name   = "assume-reporting"
  role   = module.stack.hot_role_name
  policy = data.aws_iam_policy_document.hot_assume.json
}
