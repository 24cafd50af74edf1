resource "aws_vpc" "main" {
  cidr_block = "10.20.0.0/16"
}

resource "aws_security_group" "bastion" {
  name   = "open-ssh-split-bastion"
  vpc_id = aws_vpc.main.id
}

# MISTAKE: two halves of the IPv4 internet, and the IPv6 internet spelled 0::/0.
resource "aws_vpc_security_group_ingress_rule" "ssh_low" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "0.0.0.0/1"
}

resource "aws_vpc_security_group_ingress_rule" "ssh_high" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv4         = "128.0.0.0/1"
}

resource "aws_vpc_security_group_ingress_rule" "ssh_v6" {
  security_group_id = aws_security_group.bastion.id
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_ipv6         = "0::/0"
}
