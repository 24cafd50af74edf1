# letsleep model fixture: database credentials wherever they live, the
# VPC default security group, names written as literals, Deny+NotResource.
# Regenerate with ../regen.sh creds.
terraform {
  required_providers {
    aws    = { source = "hashicorp/aws", version = "5.100.0" }
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

# Stands for a generated password (random_password is not in the offline
# mirror): a value unknown until apply, shared by reference.
resource "terraform_data" "generated" {
  input = "generated-at-apply"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_db_subnet_group" "db" {
  name       = "db"
  subnet_ids = [aws_subnet.a.id]
}

# No vpc_security_group_ids: the cluster gets the VPC's default group.
resource "aws_rds_cluster" "vardb" {
  cluster_identifier   = "vardb"
  engine               = "aurora-postgresql"
  master_username      = "app"
  master_password      = var.db_password
  db_subnet_group_name = aws_db_subnet_group.db.name
}

resource "aws_rds_cluster" "randdb" {
  cluster_identifier     = "randdb"
  engine                 = "aurora-postgresql"
  master_username        = "app"
  master_password        = terraform_data.generated.output
  db_subnet_group_name   = aws_db_subnet_group.db.name
  vpc_security_group_ids = [aws_security_group.db.id]
}

resource "aws_rds_cluster" "litdb" {
  cluster_identifier     = "litdb"
  engine                 = "aurora-postgresql"
  master_username        = "app"
  master_password        = "Literal-Passw0rd"
  db_subnet_group_name   = aws_db_subnet_group.db.name
  vpc_security_group_ids = [aws_security_group.db.id]
}

# A reader attached by a literal cluster_identifier.
resource "aws_rds_cluster_instance" "reader" {
  cluster_identifier = "litdb"
  instance_class     = "db.r6g.large"
  engine             = "aurora-postgresql"
}

resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = aws_vpc.main.id
}

resource "aws_secretsmanager_secret" "fromvar" {
  name = "fromvar"
}

resource "aws_secretsmanager_secret_version" "fromvar" {
  secret_id     = aws_secretsmanager_secret.fromvar.id
  secret_string = jsonencode({ username = "app", password = var.db_password })
}

resource "aws_secretsmanager_secret" "literal" {
  name = "literal"
}

resource "aws_secretsmanager_secret_version" "literal" {
  secret_id     = aws_secretsmanager_secret.literal.id
  secret_string = "{\"password\":\"Literal-Passw0rd\"}"
}

resource "aws_secretsmanager_secret" "unrelated" {
  name = "unrelated"
}

resource "aws_secretsmanager_secret_version" "unrelated" {
  secret_id     = aws_secretsmanager_secret.unrelated.id
  secret_string = "an api key, not the password"
}

resource "aws_ssm_parameter" "pw" {
  name  = "/app/db/password"
  type  = "SecureString"
  value = terraform_data.generated.output
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

resource "aws_iam_role" "r" {
  for_each           = toset(["byname", "ssm", "editor", "notres", "literalrole"])
  name               = each.key
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

# Exactly the secret "fromvar", by the documented NAME-?????? pattern.
resource "aws_iam_role_policy" "byname" {
  role = aws_iam_role.r["byname"].name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "secretsmanager:GetSecretValue"
    Resource = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:fromvar-??????"
  }] })
}

resource "aws_iam_role_policy" "ssm" {
  role = aws_iam_role.r["ssm"].name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = ["ssm:GetParameters"]
    Resource = "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db/*"
  }] })
}

resource "aws_iam_role_policy" "editor" {
  role = aws_iam_role.r["editor"].name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "secretsmanager:GetSecretValue"
    Resource = "arn:aws:secretsmanager:*:*:secret:rds-db-credentials/*"
  }] })
}

# Allow every secret, Deny all but "literal": only "literal" is readable.
resource "aws_iam_policy" "notres" {
  name = "notres"
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "secretsmanager:*", Resource = "*" },
    { Effect = "Deny", Action = "secretsmanager:GetSecretValue", NotResource = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:literal-??????" },
  ] })
}

# Attached by a literal ARN naming the policy of this plan.
resource "aws_iam_role_policy_attachment" "notres" {
  role       = aws_iam_role.r["notres"].name
  policy_arn = "arn:aws:iam::123456789012:policy/notres"
}


resource "aws_lambda_function" "byname" {
  function_name = "byname"
  role          = aws_iam_role.r["byname"].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

resource "aws_lambda_function" "ssm" {
  function_name = "ssm"
  role          = aws_iam_role.r["ssm"].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

resource "aws_lambda_function" "editor" {
  function_name = "editor"
  role          = aws_iam_role.r["editor"].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

resource "aws_lambda_function" "notres" {
  function_name = "notres"
  role          = aws_iam_role.r["notres"].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

# Its role is written as a literal ARN naming role "byname".
resource "aws_lambda_function" "literalrole" {
  function_name = "literalrole"
  role          = "arn:aws:iam::123456789012:role/byname"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}

# Carries the password in its environment.
resource "aws_lambda_function" "envpw" {
  function_name = "envpw"
  role          = aws_iam_role.r["byname"].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  environment {
    variables = { DB_PASSWORD = var.db_password }
  }
}

# In the VPC with the VPC's default group, like the cluster "vardb".
resource "aws_lambda_function" "shares_default" {
  function_name = "shares_default"
  role          = aws_iam_role.r["ssm"].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.a.id]
    security_group_ids = [aws_vpc.main.default_security_group_id]
  }
}

