# letsleep model fixture: IAM hops (assume-role chains with a cycle,
# resource policies naming a role, state machine, IAM-authorised route),
# public entry points (ALB, Cognito guest role, public queue, REST method)
# and schedules (cron, universal targets). Regenerate with ../regen.sh hops.
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

data "aws_iam_policy_document" "lambda_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# ---------- the database and the one function that reaches it ----------
resource "aws_rds_cluster" "db" {
  cluster_identifier          = "hops-db"
  engine                      = "aurora-postgresql"
  engine_version              = "16.4"
  master_username             = "app"
  manage_master_user_password = true
  enable_http_endpoint        = true
  skip_final_snapshot         = true
  serverlessv2_scaling_configuration {
    min_capacity             = 0
    max_capacity             = 2
    seconds_until_auto_pause = 600
  }
}

resource "aws_iam_role" "dbfn" {
  name               = "hops-dbfn"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

data "aws_iam_policy_document" "dbfn" {
  statement {
    actions   = ["rds-data:ExecuteStatement"]
    resources = [aws_rds_cluster.db.arn]
  }
}

resource "aws_iam_role_policy" "dbfn" {
  name   = "data-api"
  role   = aws_iam_role.dbfn.name
  policy = data.aws_iam_policy_document.dbfn.json
}

resource "aws_lambda_function" "dbfn" {
  function_name = "hops-dbfn"
  role          = aws_iam_role.dbfn.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "dbfn.zip"
  tags          = { "letsleep:role" = "control" }
}

# ---------- assume-role chain with a cycle: a → b → a, b → c ----------
# Function "chain" runs as a; a may assume b (identity grant, b trusts the
# account); b's trust names a, and a's trust names b (the cycle); c's trust
# names b and only c may read the DB secret, through the secret's policy.
resource "aws_iam_role" "a" {
  name = "hops-a"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } },
      { Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::123456789012:role/hops-b" } },
    ]
  })
}

resource "aws_iam_role" "b" {
  name = "hops-b"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { AWS = "arn:aws:iam::123456789012:root" } }]
  })
}

data "aws_iam_policy_document" "c_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.b.arn]
    }
  }
}

resource "aws_iam_role" "c" {
  name               = "hops-c"
  assume_role_policy = data.aws_iam_policy_document.c_trust.json
}

resource "aws_iam_role_policy" "a_assume_b" {
  name = "assume-b"
  role = aws_iam_role.a.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::*:role/hops-b" }]
  })
}

resource "aws_iam_role_policy" "b_assume_a" {
  name = "assume-a"
  role = aws_iam_role.b.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::*:role/hops-a" }]
  })
}

resource "aws_secretsmanager_secret" "dbcopy" {
  name = "hops-db-copy"
  tags = { "letsleep:db-secret" = "hops-db" }
}

data "aws_iam_policy_document" "dbcopy" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.c.arn]
    }
  }
}

resource "aws_secretsmanager_secret_policy" "dbcopy" {
  secret_arn = aws_secretsmanager_secret.dbcopy.arn
  policy     = data.aws_iam_policy_document.dbcopy.json
}

resource "aws_lambda_function" "chain" {
  function_name = "hops-chain"
  role          = aws_iam_role.a.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "chain.zip"
  tags          = { "letsleep:role" = "hot" }
}

# A role that may assume c but that c does not trust: no hop.
resource "aws_iam_role" "stranger" {
  name               = "hops-stranger"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_iam_role_policy" "stranger" {
  name = "assume-c"
  role = aws_iam_role.stranger.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Resource = "arn:aws:iam::*:role/hops-c" }]
  })
}

resource "aws_lambda_function" "stranger" {
  function_name = "hops-stranger"
  role          = aws_iam_role.stranger.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "stranger.zip"
}

# ---------- Lambda permission naming a role; state machine; IAM route ----------
resource "aws_iam_role" "caller" {
  name               = "hops-caller"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_lambda_permission" "caller" {
  statement_id  = "AllowCaller"
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.dbfn.function_name
  principal     = aws_iam_role.caller.arn
}

resource "aws_lambda_function" "caller" {
  function_name = "hops-caller"
  role          = aws_iam_role.caller.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "caller.zip"
}

resource "aws_iam_role" "sfn" {
  name = "hops-sfn"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "states.amazonaws.com" } }]
  })
}

resource "aws_sfn_state_machine" "flow" {
  name     = "hops-flow"
  role_arn = aws_iam_role.sfn.arn
  definition = jsonencode({
    StartAt = "Query"
    States = {
      Query = { Type = "Task", Resource = aws_lambda_function.dbfn.arn, End = true }
    }
  })
}

resource "aws_iam_role" "starter" {
  name               = "hops-starter"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_iam_role_policy" "starter" {
  name = "start"
  role = aws_iam_role.starter.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["states:StartExecution"], Resource = aws_sfn_state_machine.flow.arn }]
  })
}

resource "aws_lambda_function" "starter" {
  function_name = "hops-starter"
  role          = aws_iam_role.starter.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "starter.zip"
}

resource "aws_apigatewayv2_api" "ops" {
  name          = "hops-ops"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "ops" {
  api_id                 = aws_apigatewayv2_api.ops.id
  integration_type       = "AWS_PROXY"
  integration_uri        = aws_lambda_function.dbfn.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "ops" {
  api_id             = aws_apigatewayv2_api.ops.id
  route_key          = "POST /ops"
  authorization_type = "AWS_IAM"
  target             = "integrations/${aws_apigatewayv2_integration.ops.id}"
}

data "aws_iam_policy_document" "signer" {
  statement {
    actions   = ["execute-api:Invoke"]
    resources = ["${aws_apigatewayv2_api.ops.execution_arn}/*/POST/ops"]
  }
}

resource "aws_iam_role" "signer" {
  name               = "hops-signer"
  assume_role_policy = data.aws_iam_policy_document.lambda_trust.json
}

resource "aws_iam_role_policy" "signer" {
  name   = "invoke-ops"
  role   = aws_iam_role.signer.name
  policy = data.aws_iam_policy_document.signer.json
}

resource "aws_lambda_function" "signer" {
  function_name = "hops-signer"
  role          = aws_iam_role.signer.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "signer.zip"
}

# ---------- public entry points ----------
# A public queue feeding the DB function.
resource "aws_sqs_queue" "inbox" {
  name = "hops-inbox"
}

data "aws_iam_policy_document" "inbox" {
  statement {
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.inbox.arn]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}

resource "aws_sqs_queue_policy" "inbox" {
  queue_url = aws_sqs_queue.inbox.id
  policy    = data.aws_iam_policy_document.inbox.json
}

resource "aws_lambda_event_source_mapping" "inbox" {
  event_source_arn = aws_sqs_queue.inbox.arn
  function_name    = aws_lambda_function.dbfn.arn
}

# An internet-facing ALB forwarding to the DB function; an internal one too.
resource "aws_lb" "public" {
  name     = "hops-public"
  internal = false
  subnets  = ["subnet-00000000000000001", "subnet-00000000000000002"]
}

resource "aws_lb" "internal" {
  name     = "hops-internal"
  internal = true
  subnets  = ["subnet-00000000000000001", "subnet-00000000000000002"]
}

resource "aws_lb_target_group" "dbfn" {
  name        = "hops-dbfn"
  target_type = "lambda"
}

resource "aws_lb_target_group_attachment" "dbfn" {
  target_group_arn = aws_lb_target_group.dbfn.arn
  target_id        = aws_lambda_function.dbfn.arn
}

resource "aws_lb_listener" "public" {
  load_balancer_arn = aws_lb.public.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.dbfn.arn
  }
}

resource "aws_lb_listener" "internal" {
  load_balancer_arn = aws_lb.internal.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.dbfn.arn
  }
}

# A Cognito identity pool whose guest role may call the Data API itself.
resource "aws_cognito_identity_pool" "guests" {
  identity_pool_name               = "hops_guests"
  allow_unauthenticated_identities = true
}

resource "aws_iam_role" "guest" {
  name = "hops-guest"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow", Action = "sts:AssumeRoleWithWebIdentity",
      Principal = { Federated = "cognito-identity.amazonaws.com" },
    }]
  })
}

resource "aws_iam_role_policy" "guest" {
  name = "data-api"
  role = aws_iam_role.guest.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["rds-data:ExecuteStatement", "secretsmanager:GetSecretValue"], Resource = "*" }]
  })
}

resource "aws_cognito_identity_pool_roles_attachment" "guests" {
  identity_pool_id = aws_cognito_identity_pool.guests.id
  roles = {
    unauthenticated = aws_iam_role.guest.arn
  }
}

# ---------- schedules ----------
resource "aws_cloudwatch_event_rule" "every_ten" {
  name                = "hops-every-ten"
  schedule_expression = "cron(0/10 * * * ? *)"
}

resource "aws_cloudwatch_event_target" "every_ten" {
  rule = aws_cloudwatch_event_rule.every_ten.name
  arn  = aws_lambda_function.dbfn.arn
}

resource "aws_cloudwatch_event_rule" "disabled" {
  name                = "hops-disabled"
  schedule_expression = "rate(1 minute)"
  state               = "DISABLED"
}

resource "aws_cloudwatch_event_target" "disabled" {
  rule = aws_cloudwatch_event_rule.disabled.name
  arn  = aws_lambda_function.dbfn.arn
}

resource "aws_iam_role" "scheduler" {
  name = "hops-scheduler"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "scheduler.amazonaws.com" } }]
  })
}

resource "aws_scheduler_schedule" "failover" {
  name                = "hops-failover"
  schedule_expression = "rate(2 minutes)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = "arn:aws:scheduler:::aws-sdk:rds:failoverDBCluster"
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ DbClusterIdentifier = "hops-db" })
  }
}

resource "aws_scheduler_schedule" "snapshot" {
  name                = "hops-snapshot"
  schedule_expression = "rate(1 minute)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = "arn:aws:scheduler:::aws-sdk:rds:createDBClusterSnapshot"
    role_arn = aws_iam_role.scheduler.arn
    input    = jsonencode({ DbClusterIdentifier = "hops-db", DbClusterSnapshotIdentifier = "x" })
  }
}

resource "aws_scheduler_schedule" "via_queue" {
  name                = "hops-via-queue"
  schedule_expression = "rate(3 minutes)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_sqs_queue.inbox.arn
    role_arn = aws_iam_role.scheduler.arn
  }
}
