# letsleep model fixture: a wrapper module called with for_each whose
# security group is chosen by a conditional on each.value. The plan lists
# both groups for every instance; the sources decide it per instance.
# Regenerate with ../regen.sh condsg.
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
  functions = {
    ledger = { role = "control" }
    enrich = { role = "egress" }
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_security_group" "ledger" {
  name   = "ledger"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group" "enrich" {
  name   = "enrich"
  vpc_id = aws_vpc.main.id
}

module "fn" {
  source   = "./modules/fn"
  for_each = local.functions

  name       = each.key
  role       = each.value.role
  subnet_ids = [aws_subnet.private.id]
  sg_ids     = [each.value.role == "control" ? aws_security_group.ledger.id : aws_security_group.enrich.id]
}
