variable "offline" {
  description = "Plan without calling AWS (fake credentials, no account lookup)."
  type        = bool
  default     = false
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "azs" {
  description = "Availability zones of the private subnets."
  type        = list(string)
  default     = ["eu-west-1a", "eu-west-1b"]
}
