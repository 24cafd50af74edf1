# letsleep model fixture: where a function runs and with which role when
# the plan hides it: dynamic vpc_config blocks (absent from the plan's
# configuration), an empty vpc_config, module inputs carrying a role from
# a resource attribute or a module output, and for_each peer groups from a
# caller's map. Regenerate with ../regen.sh placement.
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

resource "aws_vpc" "main" {
  cidr_block = "10.50.0.0/16"
}

resource "aws_subnet" "private" {
  count             = 2
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.50.0.0/16", 8, count.index)
  availability_zone = ["eu-west-1a", "eu-west-1b"][count.index]
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

# Functions whose vpc_config is a dynamic block over var.in_vpc.
module "control" {
  source     = "./modules/fn"
  name       = "control"
  role_tag   = "control"
  in_vpc     = true
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.private[*].id
}

module "warmup" {
  source     = "./modules/fn"
  name       = "warmup"
  role_tag   = "warmup"
  in_vpc     = true
  vpc_id     = aws_vpc.main.id
  subnet_ids = aws_subnet.private[*].id
}

module "egress" {
  source     = "./modules/fn"
  name       = "egress"
  role_tag   = "egress"
  in_vpc     = false
  vpc_id     = aws_vpc.main.id
  subnet_ids = []
}

# The database group admits a map of client groups, one rule per key.
module "db" {
  source = "./modules/db"
  vpc_id = aws_vpc.main.id
  allowed_security_groups = {
    control = module.control.security_group_id
    warmup  = module.warmup.security_group_id
  }
}

# Keys that name none of the groups: the plan cannot tell which value
# belongs to which key, so each rule is a guess.
module "db_opaque" {
  source = "./modules/db"
  vpc_id = aws_vpc.main.id
  allowed_security_groups = {
    first  = module.control.security_group_id
    second = module.warmup.security_group_id
  }
}

# An empty vpc_config: AWS runs the function outside any VPC.
resource "aws_iam_role" "empty" {
  name               = "empty"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "empty" {
  function_name = "empty"
  role          = aws_iam_role.empty.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  filename      = "bootstrap.zip"
  vpc_config {
    subnet_ids         = []
    security_group_ids = []
  }
  tags = { "letsleep:role" = "egress" }
}

# A static vpc_config target and its twin, wired from the target's own
# attributes (role, vpc_config[0].subnet_ids / security_group_ids).
resource "aws_security_group" "target" {
  name   = "target"
  vpc_id = aws_vpc.main.id
}

resource "aws_iam_role" "target" {
  name               = "target"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "target" {
  function_name = "target"
  role          = aws_iam_role.target.arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  filename      = "bootstrap.zip"
  vpc_config {
    subnet_ids         = aws_subnet.private[*].id
    security_group_ids = [aws_security_group.target.id]
  }
  tags = { "letsleep:role" = "control" }
}

module "twin" {
  source             = "./modules/twin"
  name               = "twin"
  role_arn           = aws_lambda_function.target.role
  subnet_ids         = aws_lambda_function.target.vpc_config[0].subnet_ids
  security_group_ids = aws_lambda_function.target.vpc_config[0].security_group_ids
}

# A twin of a module's function: the role comes from the module's output.
module "twin_control" {
  source             = "./modules/twin"
  name               = "twin-control"
  role_arn           = module.control.role_arn
  subnet_ids         = aws_subnet.private[*].id
  security_group_ids = [module.control.security_group_id]
}

# Twins made with for_each over a map keyed like the modules it names:
# each instance gets its own key's role.
module "twins" {
  source             = "./modules/twin"
  for_each           = { control = module.control.role_arn, warmup = module.warmup.role_arn }
  name               = "twin-${each.key}"
  role_arn           = each.value
  subnet_ids         = []
  security_group_ids = []
}
