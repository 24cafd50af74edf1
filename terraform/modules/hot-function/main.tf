# The hot path: answers from DynamoDB, outside any VPC, with no path to the
# database, so traffic here can never wake a paused Aurora. Items expire by
# TTL, so the table does not grow without bound.

resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"

  attribute {
    name = "pk"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = false # cached, recomputable data
  }

  tags = merge(var.tags, { "letsleep:recomputable" = "true" })
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

data "aws_iam_policy_document" "table" {
  statement {
    sid = "ReadWriteOwnTable"
    actions = [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:Query",
    ]
    resources = [aws_dynamodb_table.this.arn]
  }
}

resource "aws_iam_role_policy" "table" {
  name   = "own-table"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.table.json
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
      TABLE_NAME       = aws_dynamodb_table.this.name
      ITEM_TTL_SECONDS = tostring(var.item_ttl_seconds)
    }
  }

  tags = merge(var.tags, { "letsleep:role" = "hot" })

  depends_on = [aws_iam_role_policy_attachment.logs]
}

# A public read endpoint is fine here: the function cannot reach the data.
resource "aws_lambda_function_url" "this" {
  function_name      = aws_lambda_function.this.function_name
  authorization_type = var.url_authorization_type

  cors {
    allow_origins = var.cors_allow_origins
    allow_methods = ["GET", "POST"]
    max_age       = 300
  }
}
