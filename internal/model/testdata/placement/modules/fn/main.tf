variable "name" { type = string }
variable "role_tag" { type = string }
variable "in_vpc" { type = bool }
variable "vpc_id" { type = string }
variable "subnet_ids" { type = list(string) }

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
  name               = var.name
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_security_group" "this" {
  count  = var.in_vpc ? 1 : 0
  name   = var.name
  vpc_id = var.vpc_id
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  filename      = "bootstrap.zip"
  tags          = { "letsleep:role" = var.role_tag }

  dynamic "vpc_config" {
    for_each = var.in_vpc ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = [aws_security_group.this[0].id]
    }
  }
}

output "role_arn" { value = aws_iam_role.this.arn }
output "security_group_id" { value = var.in_vpc ? aws_security_group.this[0].id : null }
