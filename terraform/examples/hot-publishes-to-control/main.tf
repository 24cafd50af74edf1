module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-hot-publishes-to-control"
  region = var.region
  azs    = var.azs
}

# A private work queue for the control function: only this account may send.
resource "aws_sqs_queue" "refresh" {
  name = "ex-hot-publishes-refresh"
}

resource "aws_lambda_event_source_mapping" "refresh" {
  event_source_arn = aws_sqs_queue.refresh.arn
  function_name    = module.stack.control_function_name
  batch_size       = 1
}

# MISTAKE: "the hot path asks for a refresh when data looks stale": the hot
# role may send to the queue, and every message runs the control function,
# which connects to Aurora.
data "aws_iam_policy_document" "hot_send" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.refresh.arn]
  }
}

resource "aws_iam_role_policy" "hot_send" {
  name   = "send-refresh"
  role   = module.stack.hot_role_name
  policy = data.aws_iam_policy_document.hot_send.json
}
