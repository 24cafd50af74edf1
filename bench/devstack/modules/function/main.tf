variable "name" { type = string }
variable "role_tag" { type = string }
variable "in_vpc" { type = bool }
variable "vpc_id" { type = string }
variable "subnet_ids" { type = list(string) }
variable "secret_arn" { type = string }
variable "cluster_arn" { type = string }

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

data "aws_iam_policy_document" "access" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:aws:logs:*:*:log-group:/aws/lambda/${var.name}:*"]
  }
  dynamic "statement" {
    for_each = var.secret_arn == "" ? [] : [1]
    content {
      sid       = "DbSecret"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [var.secret_arn]
    }
  }
  statement {
    sid       = "Cache"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem"]
    resources = ["arn:aws:dynamodb:*:*:table/lsbench-cache"]
  }
}

resource "aws_iam_role_policy" "access" {
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.access.json
}

resource "aws_iam_role_policy_attachment" "vpc" {
  count      = var.in_vpc ? 1 : 0
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_security_group" "this" {
  count  = var.in_vpc ? 1 : 0
  name   = var.name
  vpc_id = var.vpc_id
  egress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["10.40.0.0/16"]
  }
}

resource "aws_vpc_security_group_egress_rule" "db" {
  count             = var.in_vpc ? 1 : 0
  security_group_id = aws_security_group.this[0].id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "10.40.0.0/16"
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  architectures = ["arm64"]
  filename      = "${path.module}/bootstrap.zip"
  tags          = { "letsleep:role" = var.role_tag }

  dynamic "vpc_config" {
    for_each = var.in_vpc ? [1] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = [aws_security_group.this[0].id]
    }
  }
}

output "function_name" { value = aws_lambda_function.this.function_name }
output "security_group_id" { value = var.in_vpc ? aws_security_group.this[0].id : null }
