# The whole sleep-first stack: a viewer and a hot path that never touch the
# data, one control function that does, an egress function that goes out and
# never touches the data, and a warm-up path that wakes the data on purpose.

locals {
  tags = merge(var.tags, { "letsleep:stack" = var.name })
}

module "network" {
  source = "../network"

  name                = var.name
  region              = var.region
  azs                 = var.azs
  cidr                = var.vpc_cidr
  interface_endpoints = ["lambda"] # warm-up invokes control without a NAT
  enable_nat_gateway  = var.enable_nat_gateway
  tags                = local.tags
}

module "aurora" {
  source = "../aurora"

  name       = "${var.name}-db"
  vpc_id     = module.network.vpc_id
  subnet_ids = module.network.private_subnet_ids

  # Only the control function may open a connection.
  allowed_security_groups = { control = module.control.security_group_id }

  engine_version       = var.aurora_engine_version
  min_capacity         = var.aurora_min_capacity
  max_capacity         = var.aurora_max_capacity
  instances            = var.aurora_instances
  cluster_parameters   = var.aurora_cluster_parameters
  enable_http_endpoint = var.aurora_enable_http_endpoint
  tags                 = local.tags
}

module "control" {
  source = "../control-function"

  name                 = "${var.name}-control"
  package_path         = "${var.package_dir}/control.zip"
  vpc_id               = module.network.vpc_id
  subnet_ids           = module.network.private_subnet_ids
  db_security_group_id = module.aurora.security_group_id
  db_host              = module.aurora.endpoint
  db_name              = module.aurora.database_name
  cluster_arn          = module.aurora.cluster_arn
  cluster_resource_id  = module.aurora.cluster_resource_id
  tags                 = local.tags
}

module "egress" {
  source = "../egress-function"

  name         = "${var.name}-egress"
  package_path = "${var.package_dir}/egress.zip"
  llm_api_url  = var.llm_api_url
  tags         = local.tags
}

module "hot" {
  source = "../hot-function"

  name         = "${var.name}-hot"
  package_path = "${var.package_dir}/hot.zip"
  tags         = local.tags
}

module "viewer" {
  source = "../viewer"

  name = "${var.name}-viewer"
  tags = local.tags
}

module "warmup" {
  source = "../warmup"

  name                       = "${var.name}-warmup"
  package_path               = "${var.package_dir}/warmup.zip"
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  endpoint_security_group_id = module.network.endpoint_security_group_id
  control_function_name      = module.control.function_name
  control_function_arn       = module.control.function_arn
  tags                       = local.tags
}
