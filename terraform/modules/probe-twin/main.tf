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

  # No placement means no vpc_config block at all, exactly like a target
  # outside a VPC. (An empty block would also mean "no VPC" to AWS, but plan
  # readers, letsleep's model included, would take it for a VPC function.)
  dynamic "vpc_config" {
    for_each = length(var.subnet_ids) + length(var.security_group_ids) > 0 ? [true] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = var.security_group_ids
    }
  }

  tags = local.tags

  lifecycle {
    precondition {
      condition     = (length(var.subnet_ids) == 0) == (length(var.security_group_ids) == 0)
      error_message = "Pass both subnet_ids and security_group_ids (a VPC target) or neither (a target outside a VPC): copy both from the target's vpc_config."
    }
  }

  depends_on = [aws_cloudwatch_log_group.this]
}
