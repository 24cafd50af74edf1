module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-nat-gateway"
  region = var.region
  azs    = var.azs

  # MISTAKE: a NAT "so the control function can call a webhook".
  enable_nat_gateway = true
}

# MISTAKE: and the control function may now go out on 443.
resource "aws_vpc_security_group_egress_rule" "control_https_out" {
  security_group_id = module.stack.control_security_group_id
  description       = "webhook"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}
