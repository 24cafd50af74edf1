variable "subnet_ids" {
  default = null
}
variable "sg_ids" {
  default = null
}
variable "statements" {
  default = {}
}

resource "aws_lambda_function" "this" {
  function_name = "fn"
  role          = "arn:aws:iam::111122223333:role/fn"

  dynamic "vpc_config" {
    for_each = var.subnet_ids != null && length(var.sg_ids) > 0 ? [true] : []
    content {
      subnet_ids         = var.subnet_ids
      security_group_ids = coalesce(var.sg_ids, [])
    }
  }
}

data "aws_iam_policy_document" "doc" {
  dynamic "statement" {
    for_each = var.statements
    iterator = st
    content {
      actions   = st.value.actions
      resources = [for r in st.value.resources : r]
    }
  }
}
