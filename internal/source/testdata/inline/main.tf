# An assistant-style role: a static inline_policy block with a literal
# document and one written as jsonencode of a local naming a secret whose
# ARN only apply knows; a second role whose inline policies are dynamic.
locals {
  app_policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = [aws_secretsmanager_secret.db.arn]
    }]
  }
  policies = { app = local.app_policy }
}

resource "aws_secretsmanager_secret" "db" {
  name = "db"
}

resource "aws_iam_role" "static" {
  name               = "static"
  assume_role_policy = "{}"

  inline_policy {
    name   = "logs"
    policy = jsonencode({ Version = "2012-10-17", Statement = [] })
  }

  inline_policy {
    name   = "app"
    policy = jsonencode(local.app_policy)
  }
}

resource "aws_iam_role" "dyn" {
  name               = "dyn"
  assume_role_policy = "{}"

  dynamic "inline_policy" {
    for_each = local.policies
    content {
      name   = inline_policy.key
      policy = jsonencode(inline_policy.value)
    }
  }
}

resource "aws_iam_role" "dyn_it" {
  name               = "dyn-it"
  assume_role_policy = "{}"

  dynamic "inline_policy" {
    for_each = local.policies
    iterator = p
    content {
      name   = "${p.key}-policy"
      policy = jsonencode(p.value)
    }
  }
}
