variable "offline" {
  description = "Plan without AWS: skip credential validation, account lookup and the metadata API."
  type        = bool
  default     = false
}

variable "region" {
  description = "AWS region."
  type        = string
  default     = "eu-west-1"
}

variable "probe_zip" {
  description = "Probe package (zip with `bootstrap`); also used as the fake target's code."
  type        = string
  default     = "../../../../../build/probes/probe-arm64.zip"
}

variable "subnet_ids" {
  description = "Existing private subnets the fake target runs in."
  type        = list(string)
  default     = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "security_group_ids" {
  description = "Existing security groups of the fake target."
  type        = list(string)
  default     = ["sg-0a1b2c3d4e5f60001"]
}

variable "existing_role_arn" {
  description = "An existing execution role for the target outside a VPC."
  type        = string
  default     = "arn:aws:iam::111122223333:role/lsl-example-existing"
}
