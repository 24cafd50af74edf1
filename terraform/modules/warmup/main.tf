# The deliberate waker: wakes Aurora ahead of use by invoking the control
# function. It sits in the private subnets with no route out, reaches the
# Lambda API through an interface endpoint, runs one at a time (reserved
# concurrency 1 = single flight) and is exposed only through an IAM-signed,
# rate-limited API route.

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  description = "Warm-up function: HTTPS to the VPC endpoints only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = var.name })
}

resource "aws_vpc_security_group_egress_rule" "to_endpoints" {
  security_group_id            = aws_security_group.this.id
  description                  = "HTTPS to the interface endpoints (Lambda API)"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = var.endpoint_security_group_id
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

data "aws_iam_policy_document" "invoke_control" {
  statement {
    sid       = "InvokeControlOnly"
    actions   = ["lambda:InvokeFunction"]
    resources = [var.control_function_arn]
  }
}

resource "aws_iam_role_policy" "invoke_control" {
  name   = "invoke-control"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.invoke_control.json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  filename      = var.package_path
  handler       = "bootstrap"
  runtime       = "provided.al2023"
  architectures = ["arm64"]
  memory_size   = 128
  timeout       = var.timeout

  # Single flight: at most one wake runs; extra calls are throttled.
  reserved_concurrent_executions = var.single_flight ? 1 : -1

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  environment {
    variables = {
      CONTROL_FUNCTION = var.control_function_name
    }
  }

  tags = merge(var.tags, { "letsleep:role" = "warmup" })

  depends_on = [aws_iam_role_policy_attachment.vpc_access]
}

resource "aws_apigatewayv2_api" "this" {
  name          = var.name
  protocol_type = "HTTP"
  description   = "IAM-signed wake-ahead endpoint"
  tags          = var.tags
}

resource "aws_apigatewayv2_integration" "this" {
  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.this.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "wake" {
  api_id             = aws_apigatewayv2_api.this.id
  route_key          = "POST /wake"
  authorization_type = "AWS_IAM"
  target             = "integrations/${aws_apigatewayv2_integration.this.id}"
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  dynamic "default_route_settings" {
    for_each = var.throttle ? [1] : []
    content {
      throttling_rate_limit  = var.rate_limit_per_second
      throttling_burst_limit = var.burst_limit
    }
  }

  tags = var.tags
}

resource "aws_lambda_permission" "api" {
  statement_id  = "AllowWakeRoute"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/*/wake"
}
