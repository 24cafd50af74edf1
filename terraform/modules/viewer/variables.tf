variable "name" {
  description = "Name prefix of the bucket and the distribution."
  type        = string
}

variable "force_destroy" {
  description = "Delete the bucket even when it holds objects (test stacks)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
