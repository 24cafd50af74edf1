module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-clean-public-entries"
  region = var.region
  azs    = var.azs
}

# LOOKS WRONG, IS FINE: four ways in that read like public entry points but
# are not, or lead only to functions without a database path.

# 1. A daily EventBridge rule may invoke the control function: the permission
#    is scoped to that rule by source_arn, and once a day lets Aurora sleep.
resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "ex-clean-nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "nightly" {
  rule = aws_cloudwatch_event_rule.nightly.name
  arn  = module.stack.control_function_arn
}

resource "aws_lambda_permission" "nightly" {
  statement_id  = "AllowNightlyRule"
  action        = "lambda:InvokeFunction"
  function_name = module.stack.control_function_name
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.nightly.arn
}

# 2. An HTTP API route to the control function, signed with SigV4 (AWS_IAM).
resource "aws_apigatewayv2_api" "ops" {
  name          = "ex-clean-ops"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "ops" {
  api_id                 = aws_apigatewayv2_api.ops.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.stack.control_function_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "ops" {
  api_id             = aws_apigatewayv2_api.ops.id
  route_key          = "POST /ops"
  authorization_type = "AWS_IAM"
  target             = "integrations/${aws_apigatewayv2_integration.ops.id}"
}

resource "aws_lambda_permission" "ops" {
  statement_id  = "AllowOpsAPI"
  action        = "lambda:InvokeFunction"
  function_name = module.stack.control_function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.ops.execution_arn}/*/*/ops"
}

# 3. A Cognito identity pool with guest access: its unauthenticated role may
#    invoke only the hot function, which has no database path.
resource "aws_cognito_identity_pool" "guests" {
  identity_pool_name               = "ex_clean_guests"
  allow_unauthenticated_identities = true
}

data "aws_iam_policy_document" "guest_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = ["cognito-identity.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "cognito-identity.amazonaws.com:aud"
      values   = [aws_cognito_identity_pool.guests.id]
    }
    condition {
      test     = "ForAnyValue:StringLike"
      variable = "cognito-identity.amazonaws.com:amr"
      values   = ["unauthenticated"]
    }
  }
}

resource "aws_iam_role" "guest" {
  name               = "ex-clean-guest"
  assume_role_policy = data.aws_iam_policy_document.guest_trust.json
}

data "aws_iam_policy_document" "guest" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = ["arn:aws:lambda:*:*:function:${module.stack.hot_function_name}"]
  }
}

resource "aws_iam_role_policy" "guest" {
  name   = "invoke-hot"
  role   = aws_iam_role.guest.id
  policy = data.aws_iam_policy_document.guest.json
}

resource "aws_cognito_identity_pool_roles_attachment" "guests" {
  identity_pool_id = aws_cognito_identity_pool.guests.id
  roles = {
    unauthenticated = aws_iam_role.guest.arn
  }
}

# 4. A queue feeding the control function whose policy admits only this
#    account (root), not anyone.
resource "aws_sqs_queue" "jobs" {
  name = "ex-clean-jobs"
}

data "aws_iam_policy_document" "jobs" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::123456789012:root"]
    }
  }
}

resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy    = data.aws_iam_policy_document.jobs.json
}

resource "aws_lambda_event_source_mapping" "jobs" {
  event_source_arn = aws_sqs_queue.jobs.arn
  function_name    = module.stack.control_function_name
}
