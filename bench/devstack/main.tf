# A small stand-in for the reference stack, used by the plan generator's
# tests and as a fallback template. It carries the same ingredients: nested
# modules, count and for_each, values unknown at plan time, IAM policy
# documents and security group rules in all four forms.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "5.100.0" }
  }
}

variable "offline" {
  type    = bool
  default = false
}

variable "name" {
  type    = string
  default = "lsbench"
}

provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = var.offline
  skip_requesting_account_id  = var.offline
  skip_metadata_api_check     = var.offline
}

module "network" {
  source = "./modules/network"
  name   = var.name
  azs    = ["eu-west-1a", "eu-west-1b"]
}

module "database" {
  source     = "./modules/database"
  name       = var.name
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids
}

locals {
  functions = {
    control = { role = "control", in_vpc = true }
    hot     = { role = "hot", in_vpc = true }
    egress  = { role = "egress", in_vpc = false }
  }
}

module "function" {
  source   = "./modules/function"
  for_each = local.functions

  name       = "${var.name}-${each.key}"
  role_tag   = each.value.role
  in_vpc     = each.value.in_vpc
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids
  secret_arn = each.value.role == "control" ? module.database.secret_arn : ""
  cluster_arn = each.value.role == "control" ? module.database.cluster_arn : ""
}

# The control function may reach the database port.
resource "aws_vpc_security_group_ingress_rule" "db_from_control" {
  security_group_id            = module.database.security_group_id
  referenced_security_group_id = module.function["control"].security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_security_group_rule" "db_from_hot" {
  type                     = "ingress"
  security_group_id        = module.database.security_group_id
  source_security_group_id = module.function["hot"].security_group_id
  protocol                 = "tcp"
  from_port                = 5432
  to_port                  = 5432
}

resource "aws_dynamodb_table" "cache" {
  name         = "${var.name}-cache"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "pk"
  attribute {
    name = "pk"
    type = "S"
  }
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }
  tags = { "letsleep:recomputable" = "true" }
}

resource "aws_lambda_function_url" "hot" {
  function_name      = module.function["hot"].function_name
  authorization_type = "AWS_IAM"
}

output "cluster_arn" {
  value = module.database.cluster_arn
}
