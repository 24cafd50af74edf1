variable "offline" {
  description = "Plan without AWS: skip credential validation, account lookup and the metadata API."
  type        = bool
  default     = false
}

variable "region" {
  description = "AWS region of the targets."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "Prefix of every twin's name; make it unique per run (the AWS backend uses a random id)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9-]{1,24}$", var.name_prefix))
    error_message = "name_prefix must be 1 to 24 letters, digits or hyphens."
  }
}

variable "targets" {
  description = "Targets keyed by their model address, with the placement and role read from the deployed stack's state."
  type = map(object({
    name               = string
    role_arn           = string
    subnet_ids         = list(string)
    security_group_ids = list(string)
  }))
}

variable "probe_zip" {
  description = "Probe package (zip with `bootstrap`)."
  type        = string
}

variable "architecture" {
  description = "Instruction set of the probe binary: arm64 or x86_64."
  type        = string
  default     = "arm64"
}
