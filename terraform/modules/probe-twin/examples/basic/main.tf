# Two fake targets, one in a VPC with a new role and one outside any VPC
# with an existing role, and a probe twin of each, wired the way a stack
# would wire them: from the target's own attributes.

provider "aws" {
  region                      = var.region
  skip_credentials_validation = var.offline
  skip_requesting_account_id  = var.offline
  skip_metadata_api_check     = var.offline
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

resource "aws_iam_role" "target" {
  name_prefix        = "lsl-example-target-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "target" {
  function_name = "lsl-example-target"
  role          = aws_iam_role.target.arn
  filename      = var.probe_zip
  handler       = "bootstrap"
  runtime       = "provided.al2023"
  architectures = ["arm64"]

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }

  tags = { "letsleep:role" = "control" }
}

# Runs with an existing role, so its ARN is known at plan time.
resource "aws_lambda_function" "outside" {
  function_name = "lsl-example-outside"
  role          = var.existing_role_arn
  filename      = var.probe_zip
  handler       = "bootstrap"
  runtime       = "provided.al2023"
  architectures = ["arm64"]

  tags = { "letsleep:role" = "egress" }
}

module "twin" {
  source = "../.."

  target_name        = aws_lambda_function.target.function_name
  role_arn           = aws_lambda_function.target.role
  subnet_ids         = aws_lambda_function.target.vpc_config[0].subnet_ids
  security_group_ids = aws_lambda_function.target.vpc_config[0].security_group_ids
  probe_zip          = var.probe_zip
  tags               = { purpose = "example" }
}

module "twin_outside" {
  source = "../.."

  target_name        = aws_lambda_function.outside.function_name
  role_arn           = aws_lambda_function.outside.role
  subnet_ids         = try(tolist(aws_lambda_function.outside.vpc_config[0].subnet_ids), [])
  security_group_ids = try(tolist(aws_lambda_function.outside.vpc_config[0].security_group_ids), [])
  probe_zip          = var.probe_zip
}
