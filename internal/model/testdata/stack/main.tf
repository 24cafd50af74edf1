# letsleep model fixture: one stack with every wiring the model must follow.
# Regenerate plan.json with ../regen.sh (offline terraform, local provider mirror).
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

# ---------- network ----------
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  for_each   = { a = "10.0.1.0/24", b = "10.0.2.0/24" }
  vpc_id     = aws_vpc.main.id
  cidr_block = each.value
}

resource "aws_subnet" "isolated" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.3.0/24"
}

resource "aws_subnet" "public" {
  count      = 1
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.100.0/24"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_eip" "nat" {
  count  = 1
  domain = "vpc"
}

resource "aws_nat_gateway" "this" {
  count         = 1
  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "public" {
  subnet_id      = aws_subnet.public[0].id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route" "private_nat" {
  route_table_id         = aws_route_table.private.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[0].id
}

resource "aws_route_table_association" "private" {
  for_each       = aws_subnet.private
  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}

resource "aws_route_table" "isolated" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "isolated" {
  subnet_id      = aws_subnet.isolated.id
  route_table_id = aws_route_table.isolated.id
}

resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.main.id
}

# ---------- security groups: all four rule forms ----------
resource "aws_security_group" "control" {
  name   = "control"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "control_to_db" {
  security_group_id            = aws_security_group.control.id
  referenced_security_group_id = aws_security_group.db.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_security_group" "worker" {
  name   = "worker"
  vpc_id = aws_vpc.main.id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.main.id
  ingress {
    protocol        = "tcp"
    from_port       = 5432
    to_port         = 5432
    security_groups = [aws_security_group.control.id]
  }
}

resource "aws_security_group_rule" "db_from_worker" {
  type                     = "ingress"
  security_group_id        = aws_security_group.db.id
  source_security_group_id = aws_security_group.worker.id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
}

resource "aws_vpc_security_group_ingress_rule" "db_open_https" {
  security_group_id = aws_security_group.db.id
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# ---------- database ----------
resource "aws_rds_cluster_parameter_group" "pg" {
  name   = "pg16-logical"
  family = "aurora-postgresql16"
  parameter {
    name         = "rds.logical_replication"
    value        = "1"
    apply_method = "pending-reboot"
  }
}

resource "aws_rds_cluster" "db" {
  cluster_identifier                  = "vault"
  engine                              = "aurora-postgresql"
  engine_version                      = "16.4"
  master_username                     = "app"
  manage_master_user_password         = true
  enable_http_endpoint                = true
  iam_database_authentication_enabled = true
  vpc_security_group_ids              = [aws_security_group.db.id]
  db_cluster_parameter_group_name     = aws_rds_cluster_parameter_group.pg.name
  skip_final_snapshot                 = true
  serverlessv2_scaling_configuration {
    min_capacity             = 0
    max_capacity             = 2
    seconds_until_auto_pause = 600
  }
}

resource "aws_rds_cluster_instance" "writer" {
  cluster_identifier = aws_rds_cluster.db.id
  instance_class     = "db.serverless"
  engine             = aws_rds_cluster.db.engine
}

resource "aws_secretsmanager_secret" "app" {
  name = "app-db"
}

resource "aws_secretsmanager_secret_version" "app" {
  secret_id     = aws_secretsmanager_secret.app.id
  secret_string = jsonencode({ host = aws_rds_cluster.db.endpoint, user = "app" })
}

resource "aws_secretsmanager_secret_policy" "app" {
  secret_arn = aws_secretsmanager_secret.app.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = {
      Sid       = "Anyone"
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "secretsmanager:GetSecretValue"
      Resource  = "*"
    }
  })
}

resource "aws_iam_role" "proxy" {
  name               = "proxy"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_db_proxy" "db" {
  name           = "vault-proxy"
  engine_family  = "POSTGRESQL"
  role_arn       = aws_iam_role.proxy.arn
  vpc_subnet_ids = [aws_subnet.isolated.id, aws_subnet.private["a"].id]
  auth {
    auth_scheme = "SECRETS"
    secret_arn  = aws_secretsmanager_secret.app.arn
  }
}

resource "aws_db_proxy_default_target_group" "db" {
  db_proxy_name = aws_db_proxy.db.name
}

resource "aws_db_proxy_target" "db" {
  db_proxy_name         = aws_db_proxy.db.name
  target_group_name     = aws_db_proxy_default_target_group.db.name
  db_cluster_identifier = aws_rds_cluster.db.cluster_identifier
}

# ---------- IAM: every attachment form ----------
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# control: inline aws_iam_role_policy from a policy document whose resource
# (the managed master secret ARN) is unknown at plan time.
resource "aws_iam_role" "control" {
  name               = "control"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "control" {
  statement {
    sid       = "ReadDbSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_rds_cluster.db.master_user_secret[0].secret_arn]
  }
  statement {
    sid       = "Connect"
    actions   = ["rds-db:connect"]
    resources = ["arn:aws:rds-db:*:*:dbuser:*/app"]
  }
}

resource "aws_iam_role_policy" "control" {
  name   = "control"
  role   = aws_iam_role.control.id
  policy = data.aws_iam_policy_document.control.json
}

# egress: inline_policy block (known JSON) with a Data API grant, plus an
# AWS-managed policy through managed_policy_arns.
resource "aws_iam_role" "egress" {
  name                = "egress"
  assume_role_policy  = data.aws_iam_policy_document.assume.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]
  inline_policy {
    name = "extra"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Sid = "Extra", Effect = "Allow", Action = "rds-data:*", Resource = "*" }]
    })
  }
}

# worker: customer policy (aws_iam_policy) through aws_iam_role_policy_attachment;
# the invoked function's ARN comes out of a module and is unknown.
resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

data "aws_iam_policy_document" "invoke_control" {
  statement {
    sid       = "InvokeControl"
    actions   = ["lambda:InvokeFunction"]
    resources = [module.control.arn]
  }
}

resource "aws_iam_policy" "invoke_control" {
  name   = "invoke-control"
  policy = data.aws_iam_policy_document.invoke_control.json
}

resource "aws_iam_role_policy_attachment" "worker_invoke" {
  role       = aws_iam_role.worker.name
  policy_arn = aws_iam_policy.invoke_control.arn
}

# reader: AWS-managed SecretsManagerReadWrite through aws_iam_policy_attachment,
# cancelled for GetSecretValue by an explicit Deny.
resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_policy_attachment" "reader_secrets" {
  name       = "reader-secrets"
  roles      = [aws_iam_role.reader.name]
  policy_arn = "arn:aws:iam::aws:policy/SecretsManagerReadWrite"
}

resource "aws_iam_role_policy" "reader_deny" {
  name = "deny-secret-values"
  role = aws_iam_role.reader.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "NoValues", Effect = "Deny", Action = "secretsmanager:GetSecretValue", Resource = "*" }]
  })
}

# ---------- functions ----------
module "control" {
  source             = "./modules/fn"
  name               = "control"
  role_arn           = aws_iam_role.control.arn
  subnet_ids         = [aws_subnet.isolated.id]
  security_group_ids = [aws_security_group.control.id]
  role_tag           = "control"
}

# count on a module: instances are module.worker[0]; subnets come from a
# for_each resource through a for expression.
module "worker" {
  source             = "./modules/fn"
  count              = 1
  name               = "worker"
  role_arn           = aws_iam_role.worker.arn
  subnet_ids         = [for s in aws_subnet.private : s.id]
  security_group_ids = [aws_security_group.worker.id]
  role_tag           = "warmup"
}

resource "aws_lambda_function" "egress" {
  function_name                  = "egress"
  role                           = aws_iam_role.egress.arn
  runtime                        = "provided.al2023"
  handler                        = "bootstrap"
  s3_bucket                      = "artifacts"
  s3_key                         = "egress.zip"
  reserved_concurrent_executions = 1
  tags                           = { "letsleep:role" = "egress" }
}

resource "aws_lambda_function" "reader" {
  function_name = "reader"
  role          = aws_iam_role.reader.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "reader.zip"
}

# ---------- entry points ----------
resource "aws_lambda_function_url" "egress" {
  function_name      = aws_lambda_function.egress.function_name
  authorization_type = "NONE"
}

resource "aws_apigatewayv2_api" "http" {
  name          = "http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "worker" {
  api_id                 = aws_apigatewayv2_api.http.id
  integration_type       = "AWS_PROXY"
  integration_uri        = module.worker[0].invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "warm" {
  api_id    = aws_apigatewayv2_api.http.id
  route_key = "POST /warm"
  target    = "integrations/${aws_apigatewayv2_integration.worker.id}"
}

resource "aws_apigatewayv2_stage" "default" {
  api_id      = aws_apigatewayv2_api.http.id
  name        = "$default"
  auto_deploy = true
  default_route_settings {
    throttling_rate_limit  = 1
    throttling_burst_limit = 1
  }
}

resource "aws_dynamodb_table" "cache" {
  name         = "cache"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  ttl {
    attribute_name = "expires"
    enabled        = true
  }
  tags = { "letsleep:recomputable" = "true" }
}
