# letsleep model fixture: ways out of a VPC and openness on address sets
# (split CIDRs, IPv6, transit gateway, NAT instance, prefix lists).
# Regenerate with ../regen.sh ways.
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
  cidr_block = "10.0.0.0/16"
}

resource "aws_internet_gateway" "igw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_egress_only_internet_gateway" "eigw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_ec2_transit_gateway" "tgw" {}

resource "aws_subnet" "pub" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.0.0/24"
}

resource "aws_route_table" "pub" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = aws_internet_gateway.igw.id
  }
}

resource "aws_route_table_association" "pub" {
  subnet_id      = aws_subnet.pub.id
  route_table_id = aws_route_table.pub.id
}

resource "aws_nat_gateway" "nat" {
  subnet_id = aws_subnet.pub.id
}

# A public NAT gateway in a subnet whose table has no route to an internet
# gateway (the VPC's untouched main table: local only) cannot reach the
# internet; a function routed to it cannot go out through it.
resource "aws_subnet" "isolated" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_nat_gateway" "stranded" {
  subnet_id = aws_subnet.isolated.id
}

resource "aws_subnet" "natstranded" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.30.0/24"
}

resource "aws_route_table" "natstranded" {
  vpc_id = aws_vpc.main.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.stranded.id
  }
}

resource "aws_route_table_association" "natstranded" {
  subnet_id      = aws_subnet.natstranded.id
  route_table_id = aws_route_table.natstranded.id
}

resource "aws_lambda_function" "natstranded" {
  function_name = "natstranded"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "natstranded.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.natstranded.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_instance" "natinst" {
  ami               = "ami-12345678"
  instance_type     = "t4g.nano"
  subnet_id         = aws_subnet.pub.id
  source_dest_check = false
}

resource "aws_instance" "plain" {
  ami           = "ami-12345678"
  instance_type = "t4g.nano"
  subnet_id     = aws_subnet.pub.id
}

resource "aws_ec2_managed_prefix_list" "halves" {
  name           = "halves"
  address_family = "IPv4"
  max_entries    = 2
  entry { cidr = "0.0.0.0/1" }
  entry { cidr = "128.0.0.0/1" }
}

resource "aws_subnet" "split" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.10.0/24"
}

resource "aws_route_table" "split" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "split" {
  subnet_id      = aws_subnet.split.id
  route_table_id = aws_route_table.split.id
}

resource "aws_lambda_function" "split" {
  function_name = "split"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "split.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.split.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_subnet" "tgwprivate" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.11.0/24"
}

resource "aws_route_table" "tgwprivate" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "tgwprivate" {
  subnet_id      = aws_subnet.tgwprivate.id
  route_table_id = aws_route_table.tgwprivate.id
}

resource "aws_lambda_function" "tgwprivate" {
  function_name = "tgwprivate"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "tgwprivate.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.tgwprivate.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_subnet" "tgw" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.12.0/24"
}

resource "aws_route_table" "tgw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "tgw" {
  subnet_id      = aws_subnet.tgw.id
  route_table_id = aws_route_table.tgw.id
}

resource "aws_lambda_function" "tgw" {
  function_name = "tgw"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "tgw.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.tgw.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_subnet" "igw4" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.13.0/24"
}

resource "aws_route_table" "igw4" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "igw4" {
  subnet_id      = aws_subnet.igw4.id
  route_table_id = aws_route_table.igw4.id
}

resource "aws_lambda_function" "igw4" {
  function_name = "igw4"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "igw4.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.igw4.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_subnet" "igw6" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.14.0/24"
}

resource "aws_route_table" "igw6" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "igw6" {
  subnet_id      = aws_subnet.igw6.id
  route_table_id = aws_route_table.igw6.id
}

resource "aws_lambda_function" "igw6" {
  function_name = "igw6"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "igw6.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.igw6.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = true
  }
}

resource "aws_subnet" "eigw" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.15.0/24"
}

resource "aws_route_table" "eigw" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "eigw" {
  subnet_id      = aws_subnet.eigw.id
  route_table_id = aws_route_table.eigw.id
}

resource "aws_lambda_function" "eigw" {
  function_name = "eigw"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "eigw.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.eigw.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = true
  }
}

resource "aws_subnet" "natinst" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.16.0/24"
}

resource "aws_route_table" "natinst" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "natinst" {
  subnet_id      = aws_subnet.natinst.id
  route_table_id = aws_route_table.natinst.id
}

resource "aws_lambda_function" "natinst" {
  function_name = "natinst"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "natinst.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.natinst.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_subnet" "plaininst" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.17.0/24"
}

resource "aws_route_table" "plaininst" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "plaininst" {
  subnet_id      = aws_subnet.plaininst.id
  route_table_id = aws_route_table.plaininst.id
}

resource "aws_lambda_function" "plaininst" {
  function_name = "plaininst"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "plaininst.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.plaininst.id]
    security_group_ids          = [aws_security_group.out.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_subnet" "sgprivate" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.18.0/24"
}

resource "aws_route_table" "sgprivate" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "sgprivate" {
  subnet_id      = aws_subnet.sgprivate.id
  route_table_id = aws_route_table.sgprivate.id
}

resource "aws_lambda_function" "sgprivate" {
  function_name = "sgprivate"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "sgprivate.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.sgprivate.id]
    security_group_ids          = [aws_security_group.private_only.id]
    ipv6_allowed_for_dual_stack = false
  }
}

resource "aws_subnet" "prefixlist" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.19.0/24"
}

resource "aws_route_table" "prefixlist" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "prefixlist" {
  subnet_id      = aws_subnet.prefixlist.id
  route_table_id = aws_route_table.prefixlist.id
}

resource "aws_lambda_function" "prefixlist" {
  function_name = "prefixlist"
  role          = "arn:aws:iam::123456789012:role/fn"
  runtime       = "python3.12"
  handler       = "index.handler"
  s3_bucket     = "code"
  s3_key        = "prefixlist.zip"
  vpc_config {
    subnet_ids                  = [aws_subnet.prefixlist.id]
    security_group_ids          = [aws_security_group.by_prefix_list.id]
    ipv6_allowed_for_dual_stack = false
  }
}

# 0.0.0.0/1 + 128.0.0.0/1 through the NAT gateway: the whole internet.
resource "aws_route" "split_low" {
  route_table_id         = aws_route_table.split.id
  destination_cidr_block = "0.0.0.0/1"
  nat_gateway_id         = aws_nat_gateway.nat.id
}

resource "aws_route" "split_high" {
  route_table_id         = aws_route_table.split.id
  destination_cidr_block = "128.0.0.0/1"
  nat_gateway_id         = aws_nat_gateway.nat.id
}

# Only private ranges through the transit gateway: no way out.
resource "aws_route" "tgwprivate" {
  route_table_id         = aws_route_table.tgwprivate.id
  destination_cidr_block = "172.16.0.0/12"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw.id
}

resource "aws_route" "tgw" {
  route_table_id         = aws_route_table.tgw.id
  destination_cidr_block = "0.0.0.0/0"
  transit_gateway_id     = aws_ec2_transit_gateway.tgw.id
}

resource "aws_route" "igw4" {
  route_table_id         = aws_route_table.igw4.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.igw.id
}

resource "aws_route" "igw6" {
  route_table_id              = aws_route_table.igw6.id
  destination_ipv6_cidr_block = "::/1"
  gateway_id                  = aws_internet_gateway.igw.id
}

resource "aws_route" "eigw" {
  route_table_id              = aws_route_table.eigw.id
  destination_ipv6_cidr_block = "2000::/3"
  egress_only_gateway_id      = aws_egress_only_internet_gateway.eigw.id
}

resource "aws_route" "natinst" {
  route_table_id         = aws_route_table.natinst.id
  destination_cidr_block = "0.0.0.0/0"
  network_interface_id   = aws_instance.natinst.primary_network_interface_id
}

resource "aws_route" "plaininst" {
  route_table_id         = aws_route_table.plaininst.id
  destination_cidr_block = "0.0.0.0/0"
  network_interface_id   = aws_instance.plain.primary_network_interface_id
}

resource "aws_route" "sgprivate" {
  route_table_id         = aws_route_table.sgprivate.id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.nat.id
}

resource "aws_route" "prefixlist" {
  route_table_id             = aws_route_table.prefixlist.id
  destination_prefix_list_id = aws_ec2_managed_prefix_list.halves.id
  nat_gateway_id             = aws_nat_gateway.nat.id
}

resource "aws_security_group" "out" {
  name   = "out"
  vpc_id = aws_vpc.main.id
  egress {
    from_port        = 443
    to_port          = 443
    protocol         = "tcp"
    cidr_blocks      = ["0.0.0.0/1", "128.0.0.0/1"]
    ipv6_cidr_blocks = ["0::/0"]
  }
}

resource "aws_security_group" "private_only" {
  name   = "private-only"
  vpc_id = aws_vpc.main.id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8", "192.168.0.0/16"]
  }
}

resource "aws_security_group" "by_prefix_list" {
  name   = "by-prefix-list"
  vpc_id = aws_vpc.main.id
  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [aws_ec2_managed_prefix_list.halves.id]
  }
}

# ---------- openness in other spellings ----------
resource "aws_security_group" "ssh_split" {
  name   = "ssh-split"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/1", "128.0.0.0/1"]
  }
}

resource "aws_security_group" "ssh_v6" {
  name   = "ssh-v6"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port        = 22
    to_port          = 22
    protocol         = "tcp"
    ipv6_cidr_blocks = ["0::/0"]
  }
}

resource "aws_security_group" "ssh_spread" {
  name   = "ssh-spread"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_ingress_rule" "low" {
  security_group_id = aws_security_group.ssh_spread.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "0.0.0.0/1"
}

resource "aws_vpc_security_group_ingress_rule" "high" {
  security_group_id = aws_security_group.ssh_spread.id
  ip_protocol       = "-1"
  cidr_ipv4         = "128.0.0.0/1"
}

resource "aws_security_group" "half" {
  name   = "half"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/1"]
  }
}
