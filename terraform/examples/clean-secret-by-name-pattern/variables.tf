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

variable "db_password" {
  description = "Master password of the cluster."
  type        = string
  sensitive   = true
  default     = "change-me-please-42"
}
