# A probe twin: the letsleep probe deployed with exactly the placement
# (subnets, security groups) and the execution role of a target function,
# so it can try what the target must never do. It creates no IAM: the twin
# can do nothing its target cannot.

locals {
  function_name = coalesce(var.name, substr("lsl-probe-${var.target_name}", 0, 64))
}

# Own log group, so destroying the twin removes its logs too.
resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${local.function_name}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

locals {
  tags = merge(var.tags, {
    "letsleep:probe-twin-of" = var.target_name
    "letsleep:managed"       = "true"
  })
}

resource "aws_lambda_function" "this" {
  function_name = local.function_name
  description   = "letsleep probe twin of ${var.target_name}"
  role          = var.role_arn
  filename      = var.probe_zip
  # try(): an offline plan works before the package is built.
  source_code_hash = try(filebase64sha256(var.probe_zip), null)
  handler          = "bootstrap"
  runtime          = "provided.al2023"
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  # No reserved_concurrent_executions: a twin must never take concurrency
  # away from the account or from its target.

  # A static block (not `dynamic`) keeps the references to the target's
  # placement visible in the plan's configuration. Empty lists mean no VPC,
  # like a target outside a VPC.
  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  tags = local.tags

  depends_on = [aws_cloudwatch_log_group.this]
}
