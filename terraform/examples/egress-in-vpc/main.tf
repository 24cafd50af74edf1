module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-egress-in-vpc"
  region = var.region
  azs    = var.azs
}

# MISTAKE: the summariser calls the LLM API, yet it was moved into the VPC and
# wired to the database "to read the context directly".
resource "aws_security_group" "summarizer" {
  name_prefix = "summarizer-"
  description = "Summariser"
  vpc_id      = module.stack.vpc_id
}

resource "aws_vpc_security_group_egress_rule" "summarizer_to_db" {
  security_group_id            = aws_security_group.summarizer.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = module.stack.db_security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_summarizer" {
  security_group_id            = module.stack.db_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.summarizer.id
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

resource "aws_iam_role" "summarizer" {
  name_prefix        = "summarizer-"
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

resource "aws_iam_role_policy_attachment" "summarizer_vpc" {
  role       = aws_iam_role.summarizer.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_lambda_function" "summarizer" {
  function_name = "ex-egress-in-vpc-summarizer"
  role          = aws_iam_role.summarizer.arn
  filename      = "build/functions/egress.zip"
  handler       = "bootstrap"
  runtime       = "provided.al2023"

  vpc_config {
    subnet_ids         = module.stack.private_subnet_ids
    security_group_ids = [aws_security_group.summarizer.id]
  }

  tags = { "letsleep:role" = "egress" }
}
