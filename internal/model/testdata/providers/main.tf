# letsleep model fixture: the same names under two provider configurations.
# The root's default aws and aws.other (another account, by its own keys, and region) each
# hold a role "app" whose inline policy is attached by the literal name,
# not a reference; module.other receives aws.other and does the same with
# role "worker", which the root also has. A join by name must stay inside
# the provider configuration (resolved to the root's) of the resource that
# names it. Regenerate with ../regen.sh providers.
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
  # Fake keys of another account (an assume_role would call STS, which an
  # offline plan cannot).
  access_key = "offline-other-account"
  secret_key = "offline-other-account"
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

# Default account: role "app" may only read its own queue.
resource "aws_iam_role" "app" {
  name               = "app"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "app" {
  name = "queue"
  role = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sqs:ReceiveMessage", Resource = "*" }]
  })
}

# Other account: its own role "app" is granted the Data API on everything.
resource "aws_iam_role" "other_app" {
  provider           = aws.other
  name               = "app"
  assume_role_policy = local.lambda_trust
}

resource "aws_iam_role_policy" "other_app" {
  provider = aws.other
  name     = "data"
  role     = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "rds-data:ExecuteStatement", Resource = "*" }]
  })
}

# Default account: role "worker", with no policy of its own.
resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = local.lambda_trust
}

module "other" {
  source    = "./other"
  providers = { aws = aws.other }
  trust     = local.lambda_trust
}
