# The function that goes out (to an LLM HTTPS API). It is not attached to a
# VPC, so it has internet access and no route to private addresses, and its
# role reads exactly one secret: its own API key. It never gets a path to
# the data.

resource "aws_secretsmanager_secret" "api_key" {
  name_prefix = "${var.name}-api-key-"
  description = "API key of ${var.name}; single purpose, set out of band"
  # The value is put by an operator, never by Terraform, so it stays out of state.
  recovery_window_in_days = var.secret_recovery_window_days
  tags                    = var.tags
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

resource "aws_iam_role_policy_attachment" "logs" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
}

data "aws_iam_policy_document" "read_own_key" {
  statement {
    sid       = "ReadOwnApiKey"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.api_key.arn]
  }
}

resource "aws_iam_role_policy" "read_own_key" {
  name   = "read-own-api-key"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.read_own_key.json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  filename      = var.package_path
  handler       = "bootstrap"
  runtime       = "provided.al2023"
  architectures = ["arm64"]
  memory_size   = var.memory_size
  timeout       = var.timeout

  environment {
    variables = {
      API_KEY_SECRET_ID = aws_secretsmanager_secret.api_key.arn
      LLM_API_URL       = var.llm_api_url
    }
  }

  tags = merge(var.tags, { "letsleep:role" = "egress" })

  depends_on = [aws_iam_role_policy_attachment.logs]
}
