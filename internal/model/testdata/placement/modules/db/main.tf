variable "vpc_id" { type = string }
variable "allowed_security_groups" { type = map(string) }

resource "aws_security_group" "this" {
  name   = "db"
  vpc_id = var.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "client" {
  for_each                     = var.allowed_security_groups
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = each.value
}

output "security_group_id" { value = aws_security_group.this.id }
