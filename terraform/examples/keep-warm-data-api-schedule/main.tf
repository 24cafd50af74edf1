module "stack" {
  source = "../../modules/sleep-first"

  name                        = "ex-keep-warm-data-api"
  region                      = var.region
  azs                         = var.azs
  aurora_enable_http_endpoint = true
}

data "aws_iam_policy_document" "scheduler_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["scheduler.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "ping" {
  name               = "ex-keep-warm-ping"
  assume_role_policy = data.aws_iam_policy_document.scheduler_trust.json
}

data "aws_iam_policy_document" "ping" {
  statement {
    actions   = ["rds-data:ExecuteStatement"]
    resources = [module.stack.db_cluster_arn]
  }
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.stack.db_master_secret_arn]
  }
}

resource "aws_iam_role_policy" "ping" {
  name   = "ping"
  role   = aws_iam_role.ping.id
  policy = data.aws_iam_policy_document.ping.json
}

# MISTAKE: "a health ping so the first user never waits for a resume": a
# universal target runs SELECT 1 through the Data API every four minutes,
# under the 300 s pause delay.
resource "aws_scheduler_schedule" "ping" {
  name                = "ex-keep-warm-ping"
  schedule_expression = "cron(0/4 * * * ? *)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = "arn:aws:scheduler:::aws-sdk:rdsdata:executeStatement"
    role_arn = aws_iam_role.ping.arn
    input = jsonencode({
      ResourceArn = module.stack.db_cluster_arn
      SecretArn   = module.stack.db_master_secret_arn
      Sql         = "SELECT 1"
    })
  }
}
