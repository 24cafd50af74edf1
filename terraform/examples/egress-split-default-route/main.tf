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
  name       = "egress-split-default-route-db"
  subnet_ids = [aws_subnet.a.id, aws_subnet.b.id]
}

resource "aws_security_group" "db" {
  name   = "egress-split-default-route-db"
  vpc_id = aws_vpc.main.id
}

resource "aws_rds_cluster" "db" {
  cluster_identifier          = "egress-split-default-route"
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

resource "aws_security_group" "fn" {
  name   = "egress-split-default-route-fn"
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

resource "aws_vpc_security_group_egress_rule" "fn_https" {
  security_group_id = aws_security_group.fn.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "a" {
  subnet_id      = aws_subnet.a.id
  route_table_id = aws_route_table.private.id
}

resource "aws_subnet" "public" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.20.100.0/24"
}

# The NAT gateway's own subnet routes to the internet gateway, as a public
# NAT gateway needs to reach the internet.
resource "aws_internet_gateway" "main" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.main.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public.id
  route_table_id = aws_route_table.public.id
}

resource "aws_eip" "nat" {
  domain = "vpc"
}

resource "aws_nat_gateway" "nat" {
  subnet_id     = aws_subnet.public.id
  allocation_id = aws_eip.nat.id
}

# MISTAKE: two halves of the internet instead of one default route.
resource "aws_route" "low" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/1"
  nat_gateway_id         = aws_nat_gateway.nat.id
}

resource "aws_route" "high" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "128.0.0.0/1"
  nat_gateway_id         = aws_nat_gateway.nat.id
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
