module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-hot-in-vpc"
  region = var.region
  azs    = var.azs
}

# MISTAKE: the public feed endpoint reads Aurora directly instead of DynamoDB.
resource "aws_security_group" "feed" {
  name_prefix = "feed-"
  description = "Feed endpoint"
  vpc_id      = module.stack.vpc_id

  egress {
    description     = "PostgreSQL"
    protocol        = "tcp"
    from_port       = 5432
    to_port         = 5432
    security_groups = [module.stack.db_security_group_id]
  }
}

resource "aws_security_group_rule" "db_from_feed" {
  type                     = "ingress"
  security_group_id        = module.stack.db_security_group_id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
  source_security_group_id = aws_security_group.feed.id
}

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "feed" {
  name_prefix        = "feed-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "feed_vpc" {
  role       = aws_iam_role.feed.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_lambda_function" "feed" {
  function_name = "ex-hot-in-vpc-feed"
  role          = aws_iam_role.feed.arn
  filename      = "build/functions/hot.zip"
  handler       = "bootstrap"
  runtime       = "provided.al2023"

  vpc_config {
    subnet_ids         = module.stack.private_subnet_ids
    security_group_ids = [aws_security_group.feed.id]
  }

  tags = { "letsleep:role" = "hot" }
}

resource "aws_lambda_function_url" "feed" {
  function_name      = aws_lambda_function.feed.function_name
  authorization_type = "NONE"
}
