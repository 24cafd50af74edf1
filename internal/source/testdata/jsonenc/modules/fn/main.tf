variable "policy" {
  type    = string
  default = null
}

resource "aws_iam_role_policy" "this" {
  count  = var.policy != null ? 1 : 0
  policy = var.policy
}

output "secret_arn" {
  value = "x"
}
