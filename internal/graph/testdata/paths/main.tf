# letsleep graph fixture: one function per way a path passes through a
# resource the picture must draw (issue #10 families 3, 4 and 5): database
# credentials in a secret, an SSM parameter, an environment and the
# RDS-managed master secret; ways out through a transit gateway, a Gateway
# Load Balancer endpoint, an egress-only internet gateway, a NAT instance and
# a peering; a database on the VPC default security group.
# Regenerate with internal/model/testdata/regen.sh internal/graph/testdata/paths
# (planned offline with the real provider).
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "offline" {
  type    = bool
  default = false
}

variable "db_password" {
  type      = string
  sensitive = true
  default   = "from-a-variable-42"
}

provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = var.offline
  skip_requesting_account_id  = var.offline
  skip_metadata_api_check     = var.offline
}

resource "aws_vpc" "main" {
  cidr_block                       = "10.0.0.0/16"
  assign_generated_ipv6_cidr_block = true
}

resource "aws_vpc" "peer" {
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "db" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = [aws_subnet.db.id]
}

# No vpc_security_group_ids: the VPC default group. The password is a
# variable, and RDS also keeps a managed secret of it.
resource "aws_rds_cluster" "db" {
  cluster_identifier   = "db"
  engine               = "aurora-postgresql"
  master_username      = "app"
  master_password      = var.db_password
  db_subnet_group_name = aws_db_subnet_group.db.name
}

resource "aws_rds_cluster" "managed" {
  cluster_identifier          = "managed"
  engine                      = "aurora-postgresql"
  master_username             = "app"
  manage_master_user_password = true
  db_subnet_group_name        = aws_db_subnet_group.db.name
  vpc_security_group_ids      = [aws_security_group.closed.id]
}

resource "aws_security_group" "closed" {
  name   = "closed"
  vpc_id = aws_vpc.main.id
}

resource "aws_secretsmanager_secret" "pw" {
  name = "pw"
}

resource "aws_secretsmanager_secret_version" "pw" {
  secret_id     = aws_secretsmanager_secret.pw.id
  secret_string = var.db_password
}

resource "aws_ssm_parameter" "pw" {
  name  = "/app/db/password"
  type  = "SecureString"
  value = var.db_password
}

# Written out, not with for_each: the model resolves R[each.key] to every
# instance of R (see docs/blind-spots.md).

# --- ways out -------------------------------------------------------------

resource "aws_ec2_transit_gateway" "tgw" {}

resource "aws_egress_only_internet_gateway" "eigw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_subnet" "pub" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}

resource "aws_instance" "nat" {
  ami               = "ami-12345678"
  instance_type     = "t4g.nano"
  subnet_id         = aws_subnet.pub.id
  source_dest_check = false
}

resource "aws_vpc_endpoint" "gwlb" {
  vpc_id            = aws_vpc.main.id
  service_name      = "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"
  vpc_endpoint_type = "GatewayLoadBalancer"
  subnet_ids        = [aws_subnet.pub.id]
}

resource "aws_vpc_peering_connection" "peer" {
  vpc_id      = aws_vpc.main.id
  peer_vpc_id = aws_vpc.peer.id
}

resource "aws_subnet" "tgw" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.10.0/24"
}

resource "aws_route_table" "tgw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "tgw" {
  subnet_id      = aws_subnet.tgw.id
  route_table_id = aws_route_table.tgw.id
}

resource "aws_subnet" "gwlb" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.11.0/24"
}

resource "aws_route_table" "gwlb" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "gwlb" {
  subnet_id      = aws_subnet.gwlb.id
  route_table_id = aws_route_table.gwlb.id
}

resource "aws_subnet" "eigw" {
  vpc_id          = aws_vpc.main.id
  cidr_block      = "10.0.12.0/24"
  ipv6_cidr_block = cidrsubnet(aws_vpc.main.ipv6_cidr_block, 8, 1)
}

resource "aws_route_table" "eigw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "eigw" {
  subnet_id      = aws_subnet.eigw.id
  route_table_id = aws_route_table.eigw.id
}

resource "aws_subnet" "natinst" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.13.0/24"
}

resource "aws_route_table" "natinst" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "natinst" {
  subnet_id      = aws_subnet.natinst.id
  route_table_id = aws_route_table.natinst.id
}

resource "aws_subnet" "peer" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.14.0/24"
}

resource "aws_route_table" "peer" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "peer" {
  subnet_id      = aws_subnet.peer.id
  route_table_id = aws_route_table.peer.id
}

resource "aws_route" "tgw" {
  route_table_id         = aws_route_table.tgw.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw.id
}

resource "aws_route" "gwlb" {
  route_table_id         = aws_route_table.gwlb.id
  destination_cidr_block = "0.0.0.0/0"
  vpc_endpoint_id        = aws_vpc_endpoint.gwlb.id
}

resource "aws_route" "eigw" {
  route_table_id              = aws_route_table.eigw.id
  destination_ipv6_cidr_block = "::/0"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.eigw.id
}

resource "aws_route" "natinst" {
  route_table_id         = aws_route_table.natinst.id
  destination_cidr_block = "0.0.0.0/0"
  network_interface_id   = aws_instance.nat.primary_network_interface_id
}

resource "aws_route" "peer" {
  route_table_id            = aws_route_table.peer.id
  destination_cidr_block    = "0.0.0.0/0"
  vpc_peering_connection_id = aws_vpc_peering_connection.peer.id
}

resource "aws_security_group" "out" {
  name   = "out"
  vpc_id = aws_vpc.main.id
  egress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/0"]
    ipv6_cidr_blocks = ["::/0"]
  }
}

resource "aws_lambda_function" "tgw" {
  function_name = "tgw"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.tgw.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_lambda_function" "gwlb" {
  function_name = "gwlb"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.gwlb.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_lambda_function" "eigw" {
  function_name = "eigw"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.eigw.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = true
  }
}

resource "aws_lambda_function" "natinst" {
  function_name = "natinst"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.natinst.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_lambda_function" "peer" {
  function_name = "peer"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.peer.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

# --- credentials and the default group ---------------------------------------

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "secret" {
  name               = "secret"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "secret" {
  role = aws_iam_role.secret.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pw-??????"
  }] })
}

resource "aws_lambda_function" "secret" {
  function_name = "reads-secret"
  role          = aws_iam_role.secret.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

resource "aws_iam_role" "ssm" {
  name               = "ssm"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "ssm" {
  role = aws_iam_role.ssm.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "ssm:GetParameter", Resource = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/password"
  }] })
}

resource "aws_lambda_function" "ssm" {
  function_name = "reads-ssm"
  role          = aws_iam_role.ssm.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

resource "aws_iam_role" "managed" {
  name               = "managed"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "managed" {
  role = aws_iam_role.managed.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!cluster-*"
  }] })
}

resource "aws_lambda_function" "managed" {
  function_name = "reads-managed"
  role          = aws_iam_role.managed.arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

resource "aws_lambda_function" "envpw" {
  function_name = "envpw"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  environment {
    variables = { DB_PASSWORD = var.db_password }
  }
}

resource "aws_lambda_function" "shares_default" {
  function_name = "shares_default"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.db.id]
    security_group_ids = [aws_vpc.main.default_security_group_id]
  }
}
