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
  name       = "secret-by-name-pattern-db"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_security_group" "db" {
  name   = "secret-by-name-pattern-db"
  vpc_id = aws_vpc.main.id
}

resource "aws_rds_cluster" "db" {
  cluster_identifier     = "secret-by-name-pattern"
  engine                 = "aurora-postgresql"
  engine_version         = "16.4"
  master_username        = "app"
  master_password        = var.db_password
  db_subnet_group_name   = aws_db_subnet_group.db.name
  vpc_security_group_ids = [aws_security_group.db.id]
  skip_final_snapshot    = true

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

resource "aws_security_group" "fn" {
  name   = "secret-by-name-pattern-fn"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "fn_to_db" {
  security_group_id            = aws_security_group.fn.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.db.id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_fn" {
  security_group_id            = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.fn.id
}


resource "aws_secretsmanager_secret" "db" {
  name = "secret-by-name-pattern/db"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "app", password = var.db_password })
}

resource "aws_secretsmanager_secret" "api_key" {
  name = "secret-by-name-pattern/api-key"
}

resource "aws_iam_role" "control" {
  name               = "control"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "control" {
  function_name = "control"
  role          = aws_iam_role.control.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "control.zip"
  tags          = { "letsleep:role" = "control" }
  vpc_config {
    subnet_ids         = [aws_subnet.a.id]
    security_group_ids = [aws_security_group.fn.id]
  }
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

resource "aws_iam_role_policy" "control_db" {
  role = aws_iam_role.control.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:${var.region}:123456789012:secret:secret-by-name-pattern/db-??????" }]
  })
}

resource "aws_iam_role_policy" "egress_key" {
  role = aws_iam_role.egress.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:${var.region}:123456789012:secret:secret-by-name-pattern/api-key-??????" }]
  })
}
