# Conditionals on each.value, decided per instance where the for_each map
# is written out, undecided where it is not.
locals {
  functions = {
    ledger = { role = "control", tier = 1, pinned = aws_security_group.pinned.id }
    enrich = { role = "egress", tier = 2, pinned = aws_security_group.pinned.id }
  }
}

resource "aws_security_group" "control" {}
resource "aws_security_group" "egress" {}
resource "aws_security_group" "pinned" {}

module "fn" {
  source   = "./modules/fn"
  for_each = local.functions

  role   = each.value.role
  sg_ids = [each.value.role == "control" ? aws_security_group.control.id : aws_security_group.egress.id]
}

module "by_tier" {
  source   = "./modules/fn"
  for_each = local.functions

  role   = each.key
  sg_ids = [!(each.value.tier > 1) && each.key != "x" ? aws_security_group.control.id : aws_security_group.egress.id]
}

module "by_ref" {
  source   = "./modules/fn"
  for_each = local.functions

  role   = each.key
  sg_ids = [each.value.pinned == "sg-1" ? aws_security_group.control.id : aws_security_group.egress.id]
}
