# Module wiring written unlike the community modules: a route table built
# in a local with merge, statements passed as a map declared out of key
# order, rules passed as a list and picked with lookup.

locals {
  base_routes = {
    "GET /items" = { handler = aws_lambda_function.reader.arn }
  }
  routes = merge(local.base_routes, {
    "POST /admin" = { handler = aws_lambda_function.writer.arn, auth = "NONE" }
  })
}

resource "aws_lambda_function" "reader" {
  function_name = "reader"
}

resource "aws_lambda_function" "writer" {
  function_name = "writer"
}

resource "aws_security_group" "db" {
  name = "db"
}

module "api" {
  source = "./modules/api"
  routes = local.routes
}

module "perm" {
  source = "./modules/perm"

  # zeta sorts after alpha: Terraform expands the dynamic block by sorted key.
  grants = {
    zeta = {
      actions   = ["lambda:InvokeFunction"]
      resources = [aws_lambda_function.writer.arn]
    }
    alpha = {
      actions   = ["dynamodb:GetItem"]
      resources = ["arn:aws:dynamodb:eu-west-1:111122223333:table/cache"]
    }
  }

  peers = [
    { port = 5432, group = aws_security_group.db.id },
    { port = 443, cidr = "10.0.0.0/16" },
  ]
}

module "per_key" {
  for_each = { a = aws_lambda_function.reader.arn, b = aws_lambda_function.writer.arn }
  source   = "./modules/perm"
  grants   = {}
  peers    = [{ port = 1, group = each.value }]
}
