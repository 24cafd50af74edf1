# A variation of the community stacks with fan-out: one SNS topic and two
# SQS queues feed functions through subscriptions and event source mappings
# written as for_each maps whose keys are event names, not module names.
# Wrong on purpose in one place: the "order-audit" subscription runs the
# control function, which reads the DB secret, and the hot function may
# publish to that topic, so a public read can wake Aurora through it. The
# egress function may only send to the thumbnails queue, whose mapping runs
# the egress function itself (clean).

data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

locals {
  name = "shop"
  azs  = ["eu-west-1a", "eu-west-1b"]

  artifacts = "shop-artifacts"

  tags = {
    Project   = local.name
    ManagedBy = "terraform"
  }
}

module "vpc" {
  source = "../../../../../../shared/community-modules/vpc"

  name = local.name
  cidr = "10.30.0.0/16"
  azs  = local.azs

  private_subnets  = ["10.30.1.0/24", "10.30.2.0/24"]
  database_subnets = ["10.30.11.0/24", "10.30.12.0/24"]

  create_database_subnet_group = true
  enable_nat_gateway           = false

  tags = local.tags
}

module "control_sg" {
  source = "../../../../../../shared/community-modules/security-group"

  name        = "${local.name}-control"
  description = "Control function: Aurora only"
  vpc_id      = module.vpc.vpc_id

  egress_with_source_security_group_id = [
    {
      rule                     = "postgresql-tcp"
      source_security_group_id = module.aurora.security_group_id
    },
  ]

  tags = local.tags
}

module "aurora" {
  source = "../../../../../../shared/community-modules/rds-aurora"

  name            = "${local.name}-db"
  engine          = "aurora-postgresql"
  engine_mode     = "provisioned"
  engine_version  = "16.6"
  database_name   = "shop"
  master_username = "shop_admin"

  manage_master_user_password = true

  vpc_id               = module.vpc.vpc_id
  db_subnet_group_name = module.vpc.database_subnet_group_name
  security_group_rules = {
    control_ingress = {
      source_security_group_id = module.control_sg.security_group_id
    }
  }

  serverlessv2_scaling_configuration = {
    min_capacity             = 0
    max_capacity             = 2
    seconds_until_auto_pause = 600
  }

  instance_class = "db.serverless"
  instances = {
    one = {}
  }

  skip_final_snapshot = true

  tags = local.tags
}

module "control" {
  source = "../../../../../../shared/community-modules/lambda"

  function_name  = "${local.name}-control"
  runtime        = "provided.al2023"
  handler        = "bootstrap"
  create_package = false
  s3_existing_package = {
    bucket = local.artifacts
    key    = "control.zip"
  }

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
    jobs = {
      effect    = "Allow"
      actions   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
      resources = [aws_sqs_queue.jobs.arn]
    }
  }

  tags = merge(local.tags, { "letsleep:role" = "control" })
}

module "notify" {
  source = "../../../../../../shared/community-modules/lambda"

  function_name  = "${local.name}-notify"
  description    = "Sends e-mails and thumbnails through third-party APIs"
  runtime        = "provided.al2023"
  handler        = "bootstrap"
  create_package = false
  s3_existing_package = {
    bucket = local.artifacts
    key    = "notify.zip"
  }

  attach_policy_statements = true
  policy_statements = {
    thumbnails = {
      effect    = "Allow"
      actions   = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"]
      resources = [aws_sqs_queue.thumbnails.arn]
    }
  }

  tags = merge(local.tags, { "letsleep:role" = "egress" })
}

module "hot" {
  source = "../../../../../../shared/community-modules/lambda"

  function_name  = "${local.name}-read"
  description    = "Public order reads; announces each order it serves"
  runtime        = "provided.al2023"
  handler        = "bootstrap"
  create_package = false
  s3_existing_package = {
    bucket = local.artifacts
    key    = "read.zip"
  }

  attach_policy_statements = true
  policy_statements = {
    announce = {
      effect    = "Allow"
      actions   = ["sns:Publish"]
      resources = [aws_sns_topic.orders.arn]
    }
  }

  tags = merge(local.tags, { "letsleep:role" = "hot" })
}

resource "aws_sns_topic" "orders" {
  name = "${local.name}-orders"
  tags = local.tags
}

resource "aws_sns_topic_subscription" "orders" {
  for_each = {
    "order-created" = module.notify.lambda_function_arn
    "order-audit"   = module.control.lambda_function_arn
  }

  topic_arn = aws_sns_topic.orders.arn
  protocol  = "lambda"
  endpoint  = each.value
}

resource "aws_lambda_permission" "orders" {
  for_each = {
    "order-created" = module.notify.lambda_function_name
    "order-audit"   = module.control.lambda_function_name
  }

  statement_id  = "sns-${each.key}"
  action        = "lambda:InvokeFunction"
  function_name = each.value
  principal     = "sns.amazonaws.com"
  source_arn    = aws_sns_topic.orders.arn
}

resource "aws_sqs_queue" "jobs" {
  name = "${local.name}-jobs"
  tags = local.tags
}

resource "aws_sqs_queue" "thumbnails" {
  name = "${local.name}-thumbnails"
  tags = local.tags
}

resource "aws_lambda_event_source_mapping" "workers" {
  for_each = {
    jobs       = { queue = aws_sqs_queue.jobs.arn, fn = module.control.lambda_function_arn }
    thumbnails = { queue = aws_sqs_queue.thumbnails.arn, fn = module.notify.lambda_function_arn }
  }

  event_source_arn = each.value.queue
  function_name    = each.value.fn
  batch_size       = 10
}
