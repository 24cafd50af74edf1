# Mistake: "after a booking, refresh the report" -- an assistant gave the
# booking function (hot, public API, outside the VPC) lambda:InvokeFunction
# on the reports function (control), merged into its policy_statements only
# when reports is enabled, with the resource taken from a splat of the
# counted module. Booking does not touch Aurora itself, but every public
# request may now invoke the function that does: the hot path wakes the
# database, and anyone on the internet can trigger it.

variable "enabled" {
  description = "Create the stack's functions"
  type        = bool
  default     = true
}

variable "enable_reports" {
  description = "The nightly report job (control)"
  type        = bool
  default     = true
}

variable "db_port" {
  type    = number
  default = 5432
}

data "aws_region" "current" {}

locals {
  name = "clinic"
  azs  = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]

  tags = {
    Project = local.name
    Owner   = "platform"
  }

  # Who may open a connection to Aurora: the DB group is written by hand
  # with a dynamic ingress block over this map.
  db_clients = {
    reports = module.reports_sg.security_group_id
  }

  base_lambda = {
    runtime       = "nodejs20.x"
    handler       = "index.handler"
    architectures = ["arm64"]
    bucket        = "clinic-artifacts"
  }

  log_statement = {
    Sid      = "Logs"
    Effect   = "Allow"
    Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    Resource = "arn:aws:logs:*:*:*"
  }

  reports_policy = {
    Version = "2012-10-17"
    Statement = [
      local.log_statement,
      {
        Sid      = "DbCredentials"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue"]
        Resource = module.aurora.cluster_master_user_secret[0].secret_arn
      },
      {
        Sid      = "ReportBucket"
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "arn:aws:s3:::clinic-reports/*"
      },
    ]
  }

  booking_statements = merge(
    {
      slots = {
        effect    = "Allow"
        actions   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"]
        resources = [aws_dynamodb_table.slots.arn]
      }
    },
    var.enable_reports ? {
      recompute = {
        effect    = "Allow"
        actions   = ["lambda:InvokeFunction"]
        resources = module.reports[*].lambda_function_arn
      }
    } : {},
  )
}

module "vpc" {
  source = "../../../../shared/community-modules/vpc"

  name = local.name
  cidr = "172.20.0.0/16"
  azs  = local.azs

  private_subnets  = ["172.20.0.0/20", "172.20.16.0/20", "172.20.32.0/20"]
  database_subnets = ["172.20.128.0/24", "172.20.129.0/24", "172.20.130.0/24"]

  enable_nat_gateway   = false
  enable_dns_hostnames = true

  tags = local.tags
}

module "reports_sg" {
  source = "../../../../shared/community-modules/security-group"

  name            = "${local.name}-reports"
  use_name_prefix = false
  description     = "Nightly reports"
  vpc_id          = module.vpc.vpc_id

  egress_with_cidr_blocks = [
    {
      from_port   = var.db_port
      to_port     = var.db_port
      protocol    = "tcp"
      cidr_blocks = join(",", module.vpc.database_subnets_cidr_blocks)
      description = "Aurora subnets"
    },
  ]
  egress_with_source_security_group_id = [
    {
      rule                     = "https-443-tcp"
      source_security_group_id = aws_security_group.endpoints.id
    },
  ]

  tags = local.tags
}

resource "aws_security_group" "db" {
  name_prefix = "${local.name}-db-"
  description = "Aurora"
  vpc_id      = module.vpc.vpc_id

  dynamic "ingress" {
    for_each = local.db_clients
    content {
      description     = ingress.key
      from_port       = var.db_port
      to_port         = var.db_port
      protocol        = "tcp"
      security_groups = [ingress.value]
    }
  }

  lifecycle {
    create_before_destroy = true
  }

  tags = local.tags
}

resource "aws_security_group" "endpoints" {
  name_prefix = "${local.name}-vpce-"
  description = "Interface endpoints"
  vpc_id      = module.vpc.vpc_id

  dynamic "ingress" {
    for_each = toset(["443"])
    content {
      from_port       = tonumber(ingress.value)
      to_port         = tonumber(ingress.value)
      protocol        = "tcp"
      security_groups = values(local.db_clients)
    }
  }

  tags = local.tags
}

resource "aws_vpc_endpoint" "secretsmanager" {
  vpc_id              = module.vpc.vpc_id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.secretsmanager"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = module.vpc.private_subnets
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  tags                = local.tags
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = module.vpc.vpc_id
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = module.vpc.private_route_table_ids
  tags              = local.tags
}

module "aurora" {
  source = "../../../../shared/community-modules/rds-aurora"

  name            = "${local.name}-pg"
  engine          = "aurora-postgresql"
  engine_mode     = "provisioned"
  engine_version  = "16.4"
  master_username = "clinic"
  port            = var.db_port

  manage_master_user_password = true

  vpc_id                 = module.vpc.vpc_id
  db_subnet_group_name   = module.vpc.database_subnet_group_name
  create_security_group  = false
  vpc_security_group_ids = [aws_security_group.db.id]

  serverlessv2_scaling_configuration = {
    min_capacity             = 0
    max_capacity             = 1
    seconds_until_auto_pause = 300
  }

  instance_class = "db.serverless"
  instances      = { 1 = {} }

  skip_final_snapshot = true

  tags = local.tags
}

resource "aws_dynamodb_table" "slots" {
  name         = "${local.name}-slots"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "slot"

  attribute {
    name = "slot"
    type = "S"
  }

  ttl {
    attribute_name = "ttl"
    enabled        = true
  }

  tags = local.tags
}

resource "aws_cloudwatch_event_rule" "nightly" {
  count = var.enabled && var.enable_reports ? 1 : 0

  name                = "${local.name}-nightly-report"
  schedule_expression = "cron(0 2 * * ? *)"
  tags                = local.tags
}

resource "aws_cloudwatch_event_target" "nightly" {
  count = var.enabled && var.enable_reports ? 1 : 0

  rule = aws_cloudwatch_event_rule.nightly[0].name
  arn  = module.reports[0].lambda_function_arn
}

module "reports" {
  source = "../../../../shared/community-modules/lambda"
  count  = var.enabled && var.enable_reports ? 1 : 0

  function_name  = "${local.name}-reports"
  runtime        = local.base_lambda.runtime
  handler        = local.base_lambda.handler
  architectures  = local.base_lambda.architectures
  timeout        = 300
  create_package = false
  s3_existing_package = {
    bucket = local.base_lambda.bucket
    key    = "reports.zip"
  }

  reserved_concurrent_executions = 1

  vpc_subnet_ids         = module.vpc.private_subnets
  vpc_security_group_ids = [module.reports_sg.security_group_id]

  attach_policies    = true
  number_of_policies = 1
  policies           = ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]

  attach_policy_json = true
  policy_json        = jsonencode(local.reports_policy)

  allowed_triggers = {
    nightly = {
      principal  = "events.amazonaws.com"
      source_arn = aws_cloudwatch_event_rule.nightly[0].arn
    }
  }

  environment_variables = {
    DB_ENDPOINT = module.aurora.cluster_endpoint
    DB_SECRET   = module.aurora.cluster_master_user_secret[0].secret_arn
  }

  tags = merge(local.tags, { "letsleep:role" = "control" })
}

module "booking" {
  source = "../../../../shared/community-modules/lambda"
  count  = var.enabled ? 1 : 0

  function_name  = "${local.name}-booking"
  runtime        = local.base_lambda.runtime
  handler        = local.base_lambda.handler
  architectures  = local.base_lambda.architectures
  timeout        = 10
  create_package = false
  s3_existing_package = {
    bucket = local.base_lambda.bucket
    key    = "booking.zip"
  }

  attach_policy_statements = true
  policy_statements        = local.booking_statements

  create_lambda_function_url = false

  allowed_triggers = {
    http = {
      service    = "apigateway"
      source_arn = "${module.http.api_execution_arn}/*/*"
    }
  }

  environment_variables = {
    SLOTS_TABLE = aws_dynamodb_table.slots.name
    REPORTS_FUNCTION = try(module.reports[0].lambda_function_name, "")
  }

  tags = merge(local.tags, { "letsleep:role" = "hot" })
}

module "http" {
  source = "../../../../shared/community-modules/apigateway-v2"

  name               = "${local.name}-http"
  protocol_type      = "HTTP"
  create_domain_name = false

  cors_configuration = {
    allow_origins = ["https://clinic.example.org"]
    allow_methods = ["GET", "POST"]
  }

  routes = {
    "GET /slots" = {
      integration = {
        uri                    = try(module.booking[0].lambda_function_arn, null)
        payload_format_version = "2.0"
      }
    }
    "POST /bookings" = {
      integration = {
        uri                    = try(module.booking[0].lambda_function_arn, null)
        payload_format_version = "2.0"
        timeout_milliseconds   = 10000
      }
    }
  }

  stage_default_route_settings = {
    throttling_burst_limit = 10
    throttling_rate_limit  = 20
  }

  tags = local.tags
}
