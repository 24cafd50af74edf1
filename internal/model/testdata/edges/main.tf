# letsleep model fixture: edge cases (module outputs, main route table,
# standalone public DB, transit gateway, unknown policies, REST API,
# module for_each with each.value). Regenerate with ../regen.sh edges.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "offline" {
  type    = bool
  default = false
}

provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = var.offline
  skip_requesting_account_id  = var.offline
  skip_metadata_api_check     = var.offline
}

module "net" {
  source = "./modules/net"
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

# ---------- hot function in the VPC through module outputs ----------
resource "aws_iam_role" "hot" {
  name               = "hot"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "base" {
  statement {
    sid       = "Logs"
    actions   = ["logs:CreateLogStream"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "token" {
  source_policy_documents = [data.aws_iam_policy_document.base.json]
  statement {
    sid       = "ReadToken"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.token.arn]
  }
}

resource "aws_iam_role_policy" "hot" {
  name   = "token"
  role   = aws_iam_role.hot.name
  policy = data.aws_iam_policy_document.token.json
}

# A policy whose JSON is unknown and that references no policy document.
resource "aws_iam_role_policy" "opaque" {
  name = "opaque"
  role = aws_iam_role.hot.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "rds:DescribeDBInstances", Resource = aws_db_instance.legacy.arn }]
  })
}

resource "aws_lambda_function" "hot" {
  function_name = "hot"
  role          = aws_iam_role.hot.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "hot.zip"
  vpc_config {
    subnet_ids         = module.net.subnet_ids
    security_group_ids = [module.net.sg_id]
  }
  tags = { "letsleep:role" = "hot" }
}

# ---------- a standalone, public database ----------
resource "aws_security_group" "legacy_db" {
  name = "legacy-db"
  ingress {
    protocol    = "tcp"
    from_port   = 5432
    to_port     = 5432
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_db_instance" "legacy" {
  identifier             = "legacy"
  engine                 = "postgres"
  instance_class         = "db.t4g.micro"
  allocated_storage      = 20
  username               = "app"
  password               = "not-a-real-password"
  publicly_accessible    = true
  skip_final_snapshot    = true
  vpc_security_group_ids = [aws_security_group.legacy_db.id]
}

resource "aws_secretsmanager_secret" "token" {
  name = "legacy-token"
  tags = { "letsleep:db-secret" = "aws_db_instance.legacy" }
}

data "aws_iam_policy_document" "token_policy" {
  statement {
    sid       = "Everyone"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "token" {
  secret_arn = aws_secretsmanager_secret.token.arn
  policy     = data.aws_iam_policy_document.token_policy.json
}

# ---------- a VPC whose default route goes to a transit gateway ----------
resource "aws_ec2_transit_gateway" "tgw" {}

resource "aws_vpc" "other" {
  cidr_block = "10.2.0.0/16"
}

resource "aws_subnet" "other" {
  vpc_id     = aws_vpc.other.id
  cidr_block = "10.2.1.0/24"
}

resource "aws_route_table" "other" {
  vpc_id = aws_vpc.other.id
}

resource "aws_route" "other_default" {
  route_table_id         = aws_route_table.other.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw.id
}

resource "aws_route_table_association" "other" {
  subnet_id      = aws_subnet.other.id
  route_table_id = aws_route_table.other.id
}

resource "aws_security_group" "other" {
  name   = "other"
  vpc_id = aws_vpc.other.id
}

resource "aws_vpc_security_group_egress_rule" "other_all" {
  security_group_id = aws_security_group.other.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_lambda_function" "tgw" {
  function_name = "tgw"
  role          = aws_iam_role.hot.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "tgw.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.other.id]
    security_group_ids = [aws_security_group.other.id]
  }
}

resource "aws_lambda_permission" "anyone" {
  statement_id  = "anyone"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.tgw.function_name
  principal     = "*"
}

# ---------- REST API method without auth ----------
resource "aws_api_gateway_rest_api" "api" {
  name = "api"
}

resource "aws_api_gateway_resource" "item" {
  rest_api_id = aws_api_gateway_rest_api.api.id
  parent_id   = aws_api_gateway_rest_api.api.root_resource_id
  path_part   = "item"
}

resource "aws_api_gateway_method" "get" {
  rest_api_id   = aws_api_gateway_rest_api.api.id
  resource_id   = aws_api_gateway_resource.item.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "get" {
  rest_api_id             = aws_api_gateway_rest_api.api.id
  resource_id             = aws_api_gateway_resource.item.id
  http_method             = aws_api_gateway_method.get.http_method
  integration_http_method = "POST"
  type                    = "AWS_PROXY"
  uri                     = aws_lambda_function.hot.invoke_arn
}

# ---------- module for_each with each.value ----------
resource "aws_iam_role" "job_admin" {
  name               = "job-admin"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy_attachment" "job_admin" {
  role       = aws_iam_role.job_admin.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}

resource "aws_iam_role" "job_plain" {
  name               = "job-plain"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

module "jobs" {
  source   = "./modules/job"
  for_each = { admin = aws_iam_role.job_admin.arn, plain = aws_iam_role.job_plain.arn }
  name     = each.key
  role_arn = each.value
}

# ---------- a policy whose JSON is unknown (jsonencode of an unknown ARN) ----------
resource "aws_iam_role" "sneaky" {
  name               = "sneaky"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "sneaky" {
  name = "sneaky"
  role = aws_iam_role.sneaky.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = aws_secretsmanager_secret.token.arn }]
  })
}

resource "aws_lambda_function" "sneaky" {
  function_name = "sneaky"
  role          = aws_iam_role.sneaky.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "sneaky.zip"
}
