# An egress function placed in the VPC by the lambda module (dynamic
# "vpc_config") and security groups from the security-group module (every
# rule on local.this_sg_id). Wrong on purpose: the egress function reaches
# the database through the security groups.
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.100" }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  access_key                  = "plan-only"
  secret_key                  = "plan-only"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
}

locals {
  name    = "dynvpc"
}

module "vpc" {
  source          = "../../../../../../shared/community-modules/vpc"
  name            = local.name
  cidr            = "10.0.0.0/16"
  azs             = ["eu-west-1a", "eu-west-1b"]
  private_subnets = ["10.0.1.0/24", "10.0.2.0/24"]
  database_subnets = ["10.0.11.0/24", "10.0.12.0/24"]
  create_database_subnet_group = true
  enable_nat_gateway = false
}

module "fn_sg" {
  source      = "../../../../../../shared/community-modules/security-group"
  name        = "${local.name}-fn"
  vpc_id      = module.vpc.vpc_id
  egress_cidr_blocks = ["0.0.0.0/0"]
  egress_rules = ["all-all"]
}

module "db_sg" {
  source = "../../../../../../shared/community-modules/security-group"
  name   = "${local.name}-db"
  vpc_id = module.vpc.vpc_id
  ingress_with_source_security_group_id = [{
    rule                     = "postgresql-tcp"
    source_security_group_id = module.fn_sg.security_group_id
  }]
}

module "egress" {
  source                 = "../../../../../../shared/community-modules/lambda"
  function_name          = "${local.name}-egress"
  handler                = "bootstrap"
  runtime                = "provided.al2023"
  create_package         = false
  s3_existing_package    = { bucket = "artifacts", key = "egress.zip" }
  vpc_subnet_ids         = module.vpc.private_subnets
  vpc_security_group_ids = [module.fn_sg.security_group_id]
  attach_policies        = true
  number_of_policies     = 1
  policies               = ["arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"]
  tags                   = { "letsleep:role" = "egress" }
}

module "db" {
  source                 = "../../../../../../shared/community-modules/rds-aurora"
  name                   = "${local.name}-db"
  engine                 = "aurora-postgresql"
  engine_mode            = "provisioned"
  engine_version         = "16.4"
  master_username        = "app"
  manage_master_user_password = true
  vpc_id                 = module.vpc.vpc_id
  db_subnet_group_name   = module.vpc.database_subnet_group_name
  create_db_subnet_group = false
  create_security_group  = false
  vpc_security_group_ids = [module.db_sg.security_group_id]
  serverlessv2_scaling_configuration = { min_capacity = 0, max_capacity = 1, seconds_until_auto_pause = 300 }
  instance_class = "db.serverless"
  instances      = { one = {} }
}
