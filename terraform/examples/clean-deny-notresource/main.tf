# A small standalone stack (no shared module): a VPC, an Aurora Serverless v2
# cluster that can pause, and the functions around it.
resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.1.0/24"
  availability_zone = var.azs[0]
}

resource "aws_subnet" "b" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.20.2.0/24"
  availability_zone = var.azs[1]
}

resource "aws_db_subnet_group" "db" {
  name       = "deny-notresource-clean-db"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_security_group" "db" {
  name   = "deny-notresource-clean-db"
  vpc_id = aws_vpc.main.id
}

resource "aws_rds_cluster" "db" {
  cluster_identifier          = "deny-notresource-clean"
  engine                      = "aurora-postgresql"
  engine_version              = "16.4"
  master_username             = "app"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.db.name
  vpc_security_group_ids      = [aws_security_group.db.id]
  skip_final_snapshot         = true

  serverlessv2_scaling_configuration {
    min_capacity             = 0
    max_capacity             = 2
    seconds_until_auto_pause = 300
  }
}

resource "aws_rds_cluster_instance" "writer" {
  cluster_identifier = aws_rds_cluster.db.id
  instance_class     = "db.serverless"
  engine             = aws_rds_cluster.db.engine
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

resource "aws_secretsmanager_secret" "api_key" {
  name = "deny-notresource-clean/api-key"
}

resource "aws_iam_role" "egress" {
  name               = "egress"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "egress" {
  function_name = "egress"
  role          = aws_iam_role.egress.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "egress.zip"
  tags          = { "letsleep:role" = "egress" }
}

resource "aws_iam_role_policy" "egress_secrets" {
  role = aws_iam_role.egress.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "secretsmanager:*", Resource = "*" },
      { Effect = "Deny", Action = "secretsmanager:*", NotResource = "arn:aws:secretsmanager:${var.region}:123456789012:secret:deny-notresource-clean/api-key-??????" },
    ]
  })
}
