# letsleep model fixture: resources made with for_each and count that pick
# the instance of another resource with their own key (R[each.key],
# R[count.index]). Terraform's plan lists such a reference as "R" plus
# "each.key"; read alone it would name every instance of R.
# Regenerate with ../regen.sh foreach.
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

locals {
  tiers = toset(["private", "tgw"])
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_ec2_transit_gateway" "tgw" {}

resource "aws_subnet" "tier" {
  for_each   = local.tiers
  vpc_id     = aws_vpc.main.id
  cidr_block = each.key == "tgw" ? "10.0.2.0/24" : "10.0.1.0/24"
}

resource "aws_route_table" "tier" {
  for_each = local.tiers
  vpc_id   = aws_vpc.main.id
}

resource "aws_route_table_association" "tier" {
  for_each       = local.tiers
  subnet_id      = aws_subnet.tier[each.key].id
  route_table_id = aws_route_table.tier[each.key].id
}

# Only the "tgw" tier goes out.
resource "aws_route" "tgw" {
  route_table_id         = aws_route_table.tier["tgw"].id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw.id
}

resource "aws_security_group" "out" {
  name   = "out"
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
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

resource "aws_iam_role" "tier" {
  for_each           = local.tiers
  name               = each.key
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "tier" {
  for_each      = local.tiers
  function_name = each.key
  role          = aws_iam_role.tier[each.key].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
  vpc_config {
    subnet_ids         = [aws_subnet.tier[each.key].id]
    security_group_ids = [aws_security_group.out.id]
  }
}

resource "aws_iam_role" "worker" {
  count              = 2
  name               = "worker-${count.index}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_lambda_function" "worker" {
  count         = 2
  function_name = "worker-${count.index}"
  role          = aws_iam_role.worker[count.index].arn
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "f.zip"
}
