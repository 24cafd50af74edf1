# Mistake: "cache misses read Aurora directly", so the hot read function
# is put in the VPC, in the control group, behind a feature flag that is on
# by default. The placement is a conditional in the module call:
# `var.hot_reads_db ? module.vpc.private_subnets : null`.

variable "hot_reads_db" {
  description = "Let the read function fall back to Aurora on cache misses"
  type        = bool
  default     = true
}

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  name   = "notes"
  region = data.aws_region.current.name
  azs    = ["eu-west-1a", "eu-west-1b"]

  # Secrets Manager appends "-" and six random characters to a secret's name
  # in its ARN, so "name-??????" matches exactly this secret.
  llm_key_secret_arn = "arn:aws:secretsmanager:${local.region}:${data.aws_caller_identity.current.account_id}:secret:${local.name}/llm-api-key-??????"

  lambda_defaults = {
    runtime       = "provided.al2023"
    handler       = "bootstrap"
    architectures = ["arm64"]
    bucket        = "notes-artifacts"
  }

  tags = {
    Project   = local.name
    ManagedBy = "terraform"
  }
}

################################################################################
# Network: private subnets only, no NAT
################################################################################

module "vpc" {
  source = "../../../../shared/community-modules/vpc"

  name = local.name
  cidr = "10.20.0.0/16"
  azs  = local.azs

  private_subnets  = ["10.20.1.0/24", "10.20.2.0/24"]
  database_subnets = ["10.20.11.0/24", "10.20.12.0/24"]

  create_database_subnet_group = true
  enable_nat_gateway           = false
  enable_dns_hostnames         = true
  enable_dns_support           = true

  tags = local.tags
}

module "control_sg" {
  source = "../../../../shared/community-modules/security-group"

  name        = "${local.name}-control"
  description = "Control function: Aurora and the Secrets Manager endpoint only"
  vpc_id      = module.vpc.vpc_id

  egress_with_source_security_group_id = [
    {
      rule                     = "postgresql-tcp"
      source_security_group_id = module.aurora.security_group_id
      description              = "Aurora"
    },
    {
      rule                     = "https-443-tcp"
      source_security_group_id = module.endpoints_sg.security_group_id
      description              = "Secrets Manager endpoint"
    },
  ]

  tags = local.tags
}

module "endpoints_sg" {
  source = "../../../../shared/community-modules/security-group"

  name        = "${local.name}-endpoints"
  description = "Interface endpoints, HTTPS from inside the VPC"
  vpc_id      = module.vpc.vpc_id

  ingress_cidr_blocks = [module.vpc.vpc_cidr_block]
  ingress_rules       = ["https-443-tcp"]

  tags = local.tags
}

# The control function reads the DB secret without going out.
resource "aws_vpc_endpoint" "secretsmanager" {
  vpc_id              = module.vpc.vpc_id
  service_name        = "com.amazonaws.${local.region}.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = module.vpc.private_subnets
  security_group_ids  = [module.endpoints_sg.security_group_id]
  private_dns_enabled = true

  tags = local.tags
}

################################################################################
# Aurora PostgreSQL Serverless v2, min 0 ACU with auto-pause
################################################################################

module "aurora" {
  source = "../../../../shared/community-modules/rds-aurora"

  name           = "${local.name}-db"
  engine         = "aurora-postgresql"
  engine_mode    = "provisioned"
  engine_version = "16.6"
  database_name  = "notes"
  master_username = "notes_admin"

  manage_master_user_password = true

  vpc_id               = module.vpc.vpc_id
  db_subnet_group_name = module.vpc.database_subnet_group_name
  security_group_rules = {
    control_ingress = {
      description              = "control function"
      source_security_group_id = module.control_sg.security_group_id
    }
  }

  serverlessv2_scaling_configuration = {
    min_capacity             = 0
    max_capacity             = 4
    seconds_until_auto_pause = 600
  }

  instance_class = "db.serverless"
  instances = {
    one = {}
  }

  skip_final_snapshot = true
  apply_immediately   = true

  tags = local.tags
}

################################################################################
# Functions
################################################################################

module "control" {
  source = "../../../../shared/community-modules/lambda"

  function_name  = "${local.name}-control"
  description    = "Migrations and writes: the only function that talks to Aurora"
  runtime        = local.lambda_defaults.runtime
  handler        = local.lambda_defaults.handler
  architectures  = local.lambda_defaults.architectures
  timeout        = 30
  create_package = false
  s3_existing_package = {
    bucket = local.lambda_defaults.bucket
    key    = "control.zip"
  }

  reserved_concurrent_executions = 2

  vpc_subnet_ids         = module.vpc.private_subnets
  vpc_security_group_ids = [module.control_sg.security_group_id]

  attach_policies    = true
  number_of_policies = 1
  policies           = ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]

  attach_policy_statements = true
  policy_statements = {
    db_secret = {
      effect    = "Allow"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [module.aurora.cluster_master_user_secret[0].secret_arn]
    }
  }

  environment_variables = {
    DB_HOST       = module.aurora.cluster_endpoint
    DB_SECRET_ARN = module.aurora.cluster_master_user_secret[0].secret_arn
  }

  tags = merge(local.tags, { "letsleep:role" = "control" })
}

module "egress" {
  source = "../../../../shared/community-modules/lambda"

  function_name  = "${local.name}-summarize"
  description    = "Calls the LLM API; never touches the database"
  runtime        = local.lambda_defaults.runtime
  handler        = local.lambda_defaults.handler
  architectures  = local.lambda_defaults.architectures
  timeout        = 60
  create_package = false
  s3_existing_package = {
    bucket = local.lambda_defaults.bucket
    key    = "summarize.zip"
  }

  attach_policy_statements = true
  policy_statements = {
    llm_key = {
      effect    = "Allow"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = [local.llm_key_secret_arn]
    }
  }

  environment_variables = {
    LLM_KEY_SECRET = "${local.name}/llm-api-key"
  }

  tags = merge(local.tags, { "letsleep:role" = "egress" })
}

resource "aws_dynamodb_table" "notes_cache" {
  name         = "${local.name}-cache"
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

  tags = local.tags
}

module "hot" {
  source = "../../../../shared/community-modules/lambda"

  function_name  = "${local.name}-read"
  description    = "Public reads from DynamoDB; must never wake Aurora"
  runtime        = local.lambda_defaults.runtime
  handler        = local.lambda_defaults.handler
  architectures  = local.lambda_defaults.architectures
  timeout        = 10
  create_package = false
  s3_existing_package = {
    bucket = local.lambda_defaults.bucket
    key    = "read.zip"
  }

  vpc_subnet_ids         = var.hot_reads_db ? module.vpc.private_subnets : null
  vpc_security_group_ids = var.hot_reads_db ? [module.control_sg.security_group_id] : null

  attach_policies    = var.hot_reads_db
  number_of_policies = var.hot_reads_db ? 1 : 0
  policies           = var.hot_reads_db ? ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"] : []

  attach_policy_statements = true
  policy_statements = {
    cache = {
      effect    = "Allow"
      actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]
      resources = [aws_dynamodb_table.notes_cache.arn]
    }
  }

  allowed_triggers = {
    api = {
      service    = "apigateway"
      source_arn = "${module.api.api_execution_arn}/*/*"
    }
  }

  environment_variables = {
    TABLE = aws_dynamodb_table.notes_cache.name
  }

  tags = merge(local.tags, { "letsleep:role" = "hot" })
}

################################################################################
# Public HTTP API: hot reads only
################################################################################

module "api" {
  source = "../../../../shared/community-modules/apigateway-v2"

  name          = "${local.name}-api"
  protocol_type = "HTTP"

  create_domain_name = false

  stage_default_route_settings = {
    throttling_burst_limit = 50
    throttling_rate_limit  = 100
  }

  routes = {
    "GET /notes/{id}" = {
      integration = {
        uri                    = module.hot.lambda_function_arn
        payload_format_version = "2.0"
      }
    }
  }

  tags = local.tags
}
