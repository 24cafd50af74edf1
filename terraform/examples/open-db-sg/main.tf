module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-open-db-sg"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "temporarily, to connect from a laptop".
resource "aws_vpc_security_group_ingress_rule" "db_anywhere" {
  security_group_id = module.stack.db_security_group_id
  description       = "temporary"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = "0.0.0.0/0"
}
