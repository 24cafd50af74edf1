# Every way the AWS provider spells a security-group rule, planned offline
# once (plan.json) so the shared reading (plan → rules) is tested on the
# provider's own output. Rebuild: letsleep-lab diff is not needed; run
# terraform init/plan/show -json here with build/terraformrc.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.81"
    }
  }
}

provider "aws" {
  region                      = "eu-west-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
}

resource "aws_vpc" "v" {
  cidr_block = "10.9.0.0/16"
}

resource "aws_ec2_managed_prefix_list" "pl" {
  name           = "sgforms"
  address_family = "IPv4"
  max_entries    = 2
  entry {
    cidr = "198.51.100.0/24"
  }
}

# Inline rules: ingress from a group, egress to everything (protocol -1
# with ports 0-0 means every protocol and port).
resource "aws_security_group" "inline" {
  name   = "inline"
  vpc_id = aws_vpc.v.id
  ingress {
    protocol        = "tcp"
    from_port       = 5432
    to_port         = 5432
    security_groups = [aws_security_group.peer.id]
  }
  ingress {
    protocol         = "tcp"
    from_port        = 443
    to_port          = 443
    ipv6_cidr_blocks = ["::/0"]
  }
  ingress {
    protocol  = "-1"
    from_port = 0
    to_port   = 0
    self      = true
  }
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
  egress {
    protocol        = "tcp"
    from_port       = 1024
    to_port         = 65535
    prefix_list_ids = [aws_ec2_managed_prefix_list.pl.id]
  }
}

# No egress block and no egress rule: the provider removes the allow-all
# egress rule AWS adds to a new group, so nothing goes out.
resource "aws_security_group" "peer" {
  name   = "peer"
  vpc_id = aws_vpc.v.id
}

# Separate rules, legacy form.
resource "aws_security_group" "legacy" {
  name   = "legacy"
  vpc_id = aws_vpc.v.id
}

resource "aws_security_group_rule" "legacy_all" {
  security_group_id = aws_security_group.legacy.id
  type              = "egress"
  protocol          = "all"
  from_port         = 0
  to_port           = 65535
  cidr_blocks       = ["10.9.0.0/16", "203.0.113.0/24"]
}

resource "aws_security_group_rule" "legacy_numeric" {
  security_group_id        = aws_security_group.legacy.id
  type                     = "ingress"
  protocol                 = "6"
  from_port                = 5000
  to_port                  = 6000
  source_security_group_id = aws_security_group.inline.id
}

resource "aws_security_group_rule" "legacy_self" {
  security_group_id = aws_security_group.legacy.id
  type              = "ingress"
  protocol          = "udp"
  from_port         = 53
  to_port           = 53
  self              = true
}

resource "aws_security_group_rule" "legacy_icmp" {
  security_group_id = aws_security_group.legacy.id
  type              = "ingress"
  protocol          = "icmp"
  from_port         = -1
  to_port           = -1
  cidr_blocks       = ["10.9.1.0/24"]
}

# Separate rules, one peer per rule.
resource "aws_security_group" "vpcrules" {
  name   = "vpcrules"
  vpc_id = aws_vpc.v.id
}

resource "aws_vpc_security_group_ingress_rule" "all_from_group" {
  security_group_id            = aws_security_group.vpcrules.id
  ip_protocol                  = "-1"
  referenced_security_group_id = aws_security_group.legacy.id
}

resource "aws_vpc_security_group_ingress_rule" "pl" {
  security_group_id = aws_security_group.vpcrules.id
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  prefix_list_id    = aws_ec2_managed_prefix_list.pl.id
}

resource "aws_vpc_security_group_egress_rule" "v6" {
  security_group_id = aws_security_group.vpcrules.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv6         = "2001:db8::/32"
}

resource "aws_vpc_security_group_egress_rule" "v4" {
  security_group_id = aws_security_group.vpcrules.id
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5433
  cidr_ipv4         = "10.9.2.0/24"
}

resource "aws_security_group_rule" "legacy_pl" {
  security_group_id = aws_security_group.legacy.id
  type              = "egress"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  prefix_list_ids   = [aws_ec2_managed_prefix_list.pl.id]
}

# The VPC's default group managed by terraform: only the blocks written
# here remain (the provider removes AWS's own rules on adoption).
resource "aws_default_security_group" "v" {
  vpc_id = aws_vpc.v.id
  ingress {
    protocol  = "1"
    from_port = 8
    to_port   = 0
    self      = true
  }
  egress {
    protocol         = "-1"
    from_port        = 0
    to_port          = 0
    ipv6_cidr_blocks = ["::/0"]
  }
}

# Peers named through the VPC's default_security_group_id are the default
# group; UDP by number.
resource "aws_vpc_security_group_egress_rule" "udp_to_default" {
  security_group_id            = aws_security_group.vpcrules.id
  ip_protocol                  = "17"
  from_port                    = 53
  to_port                      = 53
  referenced_security_group_id = aws_vpc.v.default_security_group_id
}

resource "aws_security_group_rule" "icmp_echo_from_default" {
  security_group_id        = aws_security_group.legacy.id
  type                     = "ingress"
  protocol                 = "icmp"
  from_port                = 8
  to_port                  = 0
  source_security_group_id = aws_vpc.v.default_security_group_id
}
