# letsleep model fixture: literal ARNs across provider configurations.
# The default aws provider is eu-west-1; aws.other is another account (its
# own keys) in us-east-1. A policy of the default account grants secret
# reads on a literal ARN pattern of us-east-1 only; a secret "db-creds"
# exists in each configuration. A function of the default account names
# its role by a literal ARN whose name, "app", exists in both accounts.
# Regenerate with ../regen.sh providerarns.
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

provider "aws" {
  alias                       = "other"
  region                      = "us-east-1"
  access_key                  = "offline-other-account"
  secret_key                  = "offline-other-account"
  skip_credentials_validation = var.offline
  skip_requesting_account_id  = var.offline
  skip_metadata_api_check     = var.offline
}

locals {
  lambda_trust = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_secretsmanager_secret" "here" {
  name = "db-creds"
}

resource "aws_secretsmanager_secret" "there" {
  provider = aws.other
  name     = "db-creds"
}

resource "aws_iam_role" "reader" {
  name               = "reader"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "reader" {
  name = "read-us-east-1"
  role = aws_iam_role.reader.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "arn:aws:secretsmanager:us-east-1:*:secret:db-creds-*" }]
  })
}

resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role" "other_app" {
  provider           = aws.other
  name               = "app"
  assume_role_policy = local.lambda_trust
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = "arn:aws:iam::123456789012:role/app"
  runtime       = "python3.12"
  handler       = "index.handler"
  filename      = "fn.zip"
}
