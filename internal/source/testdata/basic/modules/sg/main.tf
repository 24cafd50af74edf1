variable "name" {}
variable "create" {
  default = true
}
variable "existing_id" {
  default = null
}

locals {
  this_id = var.create ? concat(aws_security_group.this.*.id, [""])[0] : var.existing_id
  id      = local.this_id
}

resource "aws_security_group" "this" {
  count = var.create ? 1 : 0
  name  = var.name
}

resource "aws_security_group_rule" "egress" {
  security_group_id = local.id
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
}

output "id" {
  value = try(local.this_id, "")
}
