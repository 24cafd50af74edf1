variable "grants" {
  type = any
}

variable "peers" {
  type = any
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "Logs"
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }

  dynamic "statement" {
    for_each = var.grants
    iterator = g

    content {
      sid       = g.key
      actions   = g.value.actions
      resources = try(g.value.resources, [])
    }
  }
}

resource "aws_security_group_rule" "peer" {
  count = length(var.peers)

  type                     = "egress"
  security_group_id        = "sg-self"
  from_port                = var.peers[count.index].port
  to_port                  = var.peers[count.index].port
  protocol                 = "tcp"
  source_security_group_id = lookup(var.peers[count.index], "group", null)
}
