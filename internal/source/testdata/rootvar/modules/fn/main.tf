variable "subnet_ids" {
  type = list(string)
}

variable "isolated" {
  type    = bool
  default = true
}

resource "aws_security_group" "fn" {
  name = var.isolated ? "isolated" : "open"
}
