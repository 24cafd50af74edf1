# Called with aws = aws.other: role "worker" of the other account, its
# policy attached by the literal name.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

variable "trust" {
  type = string
}

resource "aws_iam_role" "worker" {
  name               = "worker"
  assume_role_policy = var.trust
}

resource "aws_iam_role_policy" "worker" {
  name = "secrets"
  role = "worker"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "secretsmanager:GetSecretValue", Resource = "*" }]
  })
}
