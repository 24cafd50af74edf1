module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-clean-hops-blocked"
  region = var.region
  azs    = var.azs
}

# LOOKS WRONG, IS FINE: the hot role holds sts:AssumeRole, sns:Publish and
# sqs:SendMessage grants, but none leads to the database.

# 1. It may assume a role that can read the DB secret, but that role trusts
#    only the Lambda service, so the hot role cannot become it.
data "aws_iam_policy_document" "batch_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "batch" {
  name               = "ex-clean-hops-batch"
  assume_role_policy = data.aws_iam_policy_document.batch_trust.json
}

data "aws_iam_policy_document" "batch" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.stack.db_master_secret_arn]
  }
}

resource "aws_iam_role_policy" "batch" {
  name   = "read-db-secret"
  role   = aws_iam_role.batch.id
  policy = data.aws_iam_policy_document.batch.json
}

# 2. It may publish to a topic whose only subscriber is an e-mail address.
resource "aws_sns_topic" "alerts" {
  name = "ex-clean-hops-alerts"
}

resource "aws_sns_topic_subscription" "oncall" {
  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = "oncall@example.com"
}

# 3. It may send to a dead-letter queue that nothing consumes.
resource "aws_sqs_queue" "dead_letters" {
  name = "ex-clean-hops-dead-letters"
}

data "aws_iam_policy_document" "hot_hops" {
  statement {
    sid       = "AssumeBatch"
    actions   = ["sts:AssumeRole"]
    resources = [aws_iam_role.batch.arn]
  }
  statement {
    sid       = "Alert"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.alerts.arn]
  }
  statement {
    sid       = "DeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letters.arn]
  }
}

resource "aws_iam_role_policy" "hot_hops" {
  name   = "hops"
  role   = module.stack.hot_role_name
  policy = data.aws_iam_policy_document.hot_hops.json
}
