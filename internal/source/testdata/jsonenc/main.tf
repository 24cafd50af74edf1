# jsonencode of locals, passed through a wrapper module per for_each key.
locals {
  secret_arns = [aws_secretsmanager_secret.app.arn, module.db.secret_arn]
  common = [
    {
      Sid      = "Secrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = local.secret_arns
    },
  ]
  fns = {
    a = { statements = [] }
    b = {
      statements = [
        { Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = ["${aws_dynamodb_table.t.arn}/index/*"] },
      ]
    }
  }
}

variable "region_name" {
  type = string
}

module "db" {
  source = "./modules/fn"
}

module "fn" {
  source   = "./modules/fn"
  for_each = local.fns
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.common, each.value.statements)
  })
}

resource "aws_iam_role_policy" "action_unknown" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = aws_ssm_parameter.p.value, Resource = "*" }] })
}

resource "aws_iam_role_policy" "root_var" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "arn:aws:s3:::${var.region_name}/*" }] })
}

resource "aws_iam_role_policy" "splat" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = aws_s3_bucket.b[*].arn }] })
}
