# Mistake: an assistant asked to "stop repeating the secret statements"
# moved them into one common statement list that every function gets
# (concat of local.common_statements and its own), written as jsonencode
# from locals. The common list reads local.app_secret_arns, which holds the
# partner key and, since ledger needs it, the database's managed master
# secret. Now enrich (egress) and api (hot, public) can read the DB
# credentials; the network is still right.

variable "enable_nat_gateway" {
  description = "Private subnets with internet access (off: nothing in the VPC needs it)"
  type        = bool
  default     = false
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  name = "ledger"
  azs  = ["eu-west-1a", "eu-west-1b"]

  tags = {
    Project     = local.name
    Environment = "prod"
  }

  interface_endpoints = toset(["secretsmanager", "logs"])
  gateway_endpoints   = toset(["s3", "dynamodb"])

  # Everything about each function in one place.
  functions = {
    ledger = {
      role     = "control"
      artifact = "ledger.zip"
      in_vpc   = true
      statements = []
      environment = {
        DB_HOST       = module.aurora.cluster_endpoint
        DB_SECRET_ARN = module.aurora.cluster_master_user_secret[0].secret_arn
      }
    }
    enrich = {
      role     = "egress"
      artifact = "enrich.zip"
      in_vpc   = false
      statements = [
        {
          Sid      = "WriteCache"
          Effect   = "Allow"
          Action   = ["dynamodb:PutItem", "dynamodb:UpdateItem"]
          Resource = [aws_dynamodb_table.balances.arn]
        },
      ]
      environment = {
        PARTNER_KEY_ARN = aws_secretsmanager_secret.partner_key.arn
      }
    }
    api = {
      role     = "hot"
      artifact = "api.zip"
      in_vpc   = false
      statements = [
        {
          Sid      = "ReadCache"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:Query"]
          Resource = [aws_dynamodb_table.balances.arn, "${aws_dynamodb_table.balances.arn}/index/*"]
        },
      ]
      environment = {
        TABLE = aws_dynamodb_table.balances.name
      }
    }
  }

  public_routes = ["GET /balances/{account}", "GET /balances/{account}/history"]

  app_secret_arns = [
    aws_secretsmanager_secret.partner_key.arn,
    module.aurora.cluster_master_user_secret[0].secret_arn,
  ]

  common_statements = [
    {
      Sid      = "AppSecrets"
      Effect   = "Allow"
      Action   = ["secretsmanager:GetSecretValue"]
      Resource = local.app_secret_arns
    },
    {
      Sid      = "XRay"
      Effect   = "Allow"
      Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
      Resource = "*"
    },
  ]
}

################################################################################
# Network
################################################################################

module "vpc" {
  source = "../../../../shared/community-modules/vpc"

  name = local.name
  cidr = "10.42.0.0/16"
  azs  = local.azs

  private_subnets  = ["10.42.1.0/24", "10.42.2.0/24"]
  public_subnets   = ["10.42.101.0/24", "10.42.102.0/24"]
  database_subnets = ["10.42.21.0/24", "10.42.22.0/24"]

  create_database_subnet_group = true
  enable_nat_gateway           = var.enable_nat_gateway
  single_nat_gateway           = true
  enable_dns_hostnames         = true
  enable_dns_support           = true

  tags = local.tags
}

module "ledger_sg" {
  source = "../../../../shared/community-modules/security-group"

  name        = "${local.name}-ledger-fn"
  description = "ledger (control) function"
  vpc_id      = module.vpc.vpc_id

  computed_egress_with_source_security_group_id = [
    {
      rule                     = "postgresql-tcp"
      source_security_group_id = module.db_sg.security_group_id
    },
    {
      rule                     = "https-443-tcp"
      source_security_group_id = module.endpoints_sg.security_group_id
    },
  ]
  number_of_computed_egress_with_source_security_group_id = 2

  # S3 and DynamoDB through their gateway endpoints
  egress_prefix_list_ids = [for k in local.gateway_endpoints : aws_vpc_endpoint.gateway[k].prefix_list_id]
  egress_rules           = ["https-443-tcp"]
  egress_cidr_blocks     = []

  tags = local.tags
}

module "db_sg" {
  source = "../../../../shared/community-modules/security-group"

  name        = "${local.name}-db"
  description = "Aurora: the ledger function only"
  vpc_id      = module.vpc.vpc_id

  computed_ingress_with_source_security_group_id = [
    {
      rule                     = "postgresql-tcp"
      source_security_group_id = module.ledger_sg.security_group_id
    },
  ]
  number_of_computed_ingress_with_source_security_group_id = 1

  tags = local.tags
}

module "endpoints_sg" {
  source = "../../../../shared/community-modules/security-group"

  name        = "${local.name}-endpoints"
  description = "Interface endpoints"
  vpc_id      = module.vpc.vpc_id

  ingress_with_source_security_group_id = [
    {
      rule                     = "https-443-tcp"
      source_security_group_id = module.ledger_sg.security_group_id
    },
  ]

  tags = local.tags
}

resource "aws_vpc_endpoint" "interface" {
  for_each = local.interface_endpoints

  vpc_id              = module.vpc.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = module.vpc.private_subnets
  security_group_ids  = [module.endpoints_sg.security_group_id]
  private_dns_enabled = true

  tags = merge(local.tags, { Name = "${local.name}-${each.key}" })
}

resource "aws_vpc_endpoint" "gateway" {
  for_each = local.gateway_endpoints

  vpc_id            = module.vpc.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = module.vpc.private_route_table_ids

  tags = merge(local.tags, { Name = "${local.name}-${each.key}" })
}

################################################################################
# Data
################################################################################

module "aurora" {
  source = "../../../../shared/community-modules/rds-aurora"

  name            = "${local.name}-db"
  engine          = "aurora-postgresql"
  engine_mode     = "provisioned"
  engine_version  = "16.6"
  database_name   = "ledger"
  master_username = "ledger_admin"

  manage_master_user_password = true

  vpc_id                 = module.vpc.vpc_id
  db_subnet_group_name   = module.vpc.database_subnet_group_name
  create_security_group  = false
  vpc_security_group_ids = [module.db_sg.security_group_id]

  serverlessv2_scaling_configuration = {
    min_capacity             = 0
    max_capacity             = 2
    seconds_until_auto_pause = 900
  }

  instance_class = "db.serverless"
  instances      = { writer = {} }

  skip_final_snapshot = true

  tags = local.tags
}

resource "aws_dynamodb_table" "balances" {
  name         = "${local.name}-balances"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "account"

  attribute {
    name = "account"
    type = "S"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  tags = local.tags
}

resource "aws_secretsmanager_secret" "partner_key" {
  name = "${local.name}/partner-api-key"
  tags = local.tags
}

################################################################################
# Functions
################################################################################

module "fn" {
  source   = "./modules/fn"
  for_each = local.functions

  name         = "${local.name}-${each.key}"
  role         = each.value.role
  artifact_key = each.value.artifact

  in_vpc             = each.value.in_vpc
  subnet_ids         = module.vpc.private_subnets
  security_group_ids = [module.ledger_sg.security_group_id]

  attach_policy_json = true
  policy_json = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.common_statements, each.value.statements)
  })

  reserved_concurrency = each.value.role == "control" ? 2 : -1

  allowed_triggers = each.value.role == "hot" ? {
    api = {
      service    = "apigateway"
      source_arn = "${module.api.api_execution_arn}/*/*"
    }
  } : {}

  environment = each.value.environment
  tags        = local.tags
}

################################################################################
# Public HTTP API: hot reads only
################################################################################

module "api" {
  source = "../../../../shared/community-modules/apigateway-v2"

  name               = "${local.name}-api"
  protocol_type      = "HTTP"
  create_domain_name = false

  stage_default_route_settings = {
    throttling_burst_limit = 20
    throttling_rate_limit  = 50
  }

  routes = {
    for route in local.public_routes : route => {
      integration = {
        uri                    = module.fn["api"].function_arn
        payload_format_version = "2.0"
      }
    }
  }

  tags = local.tags
}
