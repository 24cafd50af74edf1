module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-public-topic-control"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "partners publish job requests to a topic"; the topic policy lets
# anyone publish, and the control function is subscribed.
resource "aws_sns_topic" "jobs" {
  name = "ex-public-topic-jobs"
}

data "aws_iam_policy_document" "jobs" {
  statement {
    sid       = "AnyonePublishes"
    actions   = ["sns:Publish"]
    resources = [aws_sns_topic.jobs.arn]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}

resource "aws_sns_topic_policy" "jobs" {
  arn    = aws_sns_topic.jobs.arn
  policy = data.aws_iam_policy_document.jobs.json
}

resource "aws_sns_topic_subscription" "control" {
  topic_arn = aws_sns_topic.jobs.arn
  protocol  = "lambda"
  endpoint  = module.stack.control_function_arn
}

resource "aws_lambda_permission" "sns" {
  statement_id  = "AllowJobsTopic"
  action        = "lambda:InvokeFunction"
  function_name = module.stack.control_function_name
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.jobs.arn
}
