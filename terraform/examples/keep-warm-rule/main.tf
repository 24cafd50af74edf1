module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-keep-warm-rule"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "keep the control function warm to avoid cold starts": every five
# minutes the rule runs it, it connects to Aurora, and the cluster (pause
# delay 300 s) never gets to pause.
resource "aws_cloudwatch_event_rule" "keep_warm" {
  name                = "ex-keep-warm-control"
  schedule_expression = "rate(5 minutes)"
}

resource "aws_cloudwatch_event_target" "keep_warm" {
  rule = aws_cloudwatch_event_rule.keep_warm.name
  arn  = module.stack.control_function_arn
}

resource "aws_lambda_permission" "keep_warm" {
  statement_id  = "AllowKeepWarm"
  action        = "lambda:InvokeFunction"
  function_name = module.stack.control_function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.keep_warm.arn
}
