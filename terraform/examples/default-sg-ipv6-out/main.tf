# A small standalone stack (no shared module): a VPC, an Aurora Serverless v2
# cluster that can pause, and the functions around it.
resource "aws_vpc" "main" {
  cidr_block                       = "10.20.0.0/16"
  assign_generated_ipv6_cidr_block = true
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
  name       = "default-sg-ipv6-out-db"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_security_group" "db" {
  name   = "default-sg-ipv6-out-db"
  vpc_id = aws_vpc.main.id
}

resource "aws_rds_cluster" "db" {
  cluster_identifier          = "default-sg-ipv6-out"
  engine                      = "aurora-postgresql"
  engine_version              = "16.4"
  master_username             = "app"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.db.name
  # MISTAKE: no vpc_security_group_ids: the VPC default group
  skip_final_snapshot = true

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

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_egress_only_internet_gateway" "out" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "v6" {
  route_table_id              = aws_route_table.private.id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.out.id
}

# Written out "as AWS has it": the default group keeps its self rule and its
# all-traffic egress, for IPv6 as well as IPv4.
resource "aws_default_security_group" "default" {
  vpc_id = aws_vpc.main.id
  ingress {
    protocol  = "-1"
    self      = true
    from_port = 0
    to_port   = 0
  }
  egress {
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
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
  vpc_config {
    subnet_ids                  = [aws_subnet.a.id]
    security_group_ids          = [aws_default_security_group.default.id]
    ipv6_allowed_for_dual_stack = true
  }
}
