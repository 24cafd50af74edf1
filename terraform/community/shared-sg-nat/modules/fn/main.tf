# A thin house wrapper around the community lambda module, the way teams
# write one: every function gets the same runtime, logging and packaging,
# and the caller only says where it runs and what it may do.

variable "name" {
  type = string
}

variable "role" {
  description = "letsleep role tag: control, egress or hot"
  type        = string
}

variable "artifact_key" {
  type = string
}

variable "in_vpc" {
  type    = bool
  default = false
}

variable "subnet_ids" {
  type    = list(string)
  default = []
}

variable "security_group_ids" {
  type    = list(string)
  default = []
}

variable "attach_policy_json" {
  type    = bool
  default = false
}

variable "policy_json" {
  type    = string
  default = null
}

variable "allowed_triggers" {
  type    = map(any)
  default = {}
}

variable "environment" {
  type    = map(string)
  default = {}
}

variable "reserved_concurrency" {
  type    = number
  default = -1
}

variable "tags" {
  type    = map(string)
  default = {}
}

locals {
  vpc_policies = var.in_vpc ? ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"] : []
}

module "lambda" {
  source = "../../../../../../shared/community-modules/lambda"

  function_name  = var.name
  runtime        = "provided.al2023"
  handler        = "bootstrap"
  architectures  = ["arm64"]
  timeout        = 30
  create_package = false
  s3_existing_package = {
    bucket = "ledger-artifacts"
    key    = var.artifact_key
  }

  reserved_concurrent_executions = var.reserved_concurrency

  vpc_subnet_ids         = var.in_vpc ? var.subnet_ids : null
  vpc_security_group_ids = var.in_vpc ? var.security_group_ids : null

  attach_policies    = var.in_vpc
  number_of_policies = length(local.vpc_policies)
  policies           = local.vpc_policies

  attach_policy_json = var.attach_policy_json
  policy_json        = var.policy_json

  allowed_triggers = var.allowed_triggers

  environment_variables = var.environment

  tags = merge(var.tags, { "letsleep:role" = var.role })
}

output "function_arn" {
  value = module.lambda.lambda_function_arn
}

output "function_name" {
  value = module.lambda.lambda_function_name
}

output "role_arn" {
  value = module.lambda.lambda_role_arn
}
