module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-clean-keep-warm-slow"
  region = var.region
  azs    = var.azs
}

# LOOKS WRONG, IS FINE: two keep-warm schedules, neither keeps Aurora awake.

# 1. Every minute, but it warms the hot function, which never touches the
#    database (it reads DynamoDB).
resource "aws_cloudwatch_event_rule" "warm_hot" {
  name                = "ex-clean-warm-hot"
  schedule_expression = "rate(1 minute)"
}

resource "aws_cloudwatch_event_target" "warm_hot" {
  rule = aws_cloudwatch_event_rule.warm_hot.name
  arn  = "arn:aws:lambda:eu-west-1:123456789012:function:${module.stack.hot_function_name}"
}

resource "aws_lambda_permission" "warm_hot" {
  statement_id  = "AllowWarmHot"
  action        = "lambda:InvokeFunction"
  function_name = module.stack.hot_function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.warm_hot.arn
}

# 2. It runs the control function, which does reach Aurora, but only every
#    ten minutes: the cluster pauses after 300 s idle in between.
resource "aws_scheduler_schedule" "refresh" {
  name                = "ex-clean-refresh"
  schedule_expression = "rate(10 minutes)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = module.stack.control_function_arn
    role_arn = aws_iam_role.scheduler.arn
  }
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

resource "aws_iam_role" "scheduler" {
  name               = "ex-clean-refresh-scheduler"
  assume_role_policy = data.aws_iam_policy_document.scheduler_trust.json
}

data "aws_iam_policy_document" "scheduler" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = [module.stack.control_function_arn]
  }
}

resource "aws_iam_role_policy" "scheduler" {
  name   = "invoke-control"
  role   = aws_iam_role.scheduler.id
  policy = data.aws_iam_policy_document.scheduler.json
}
