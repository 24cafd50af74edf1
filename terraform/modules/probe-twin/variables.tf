variable "target_name" {
  description = "Name of the function this probe twins. Used in the probe's name, description and the letsleep:probe-twin-of tag."
  type        = string

  validation {
    condition     = length(var.target_name) > 0
    error_message = "target_name must name the target function."
  }
}

variable "name" {
  description = "Probe function name. Null derives it from target_name (lsl-probe-<target>, cut to 64 characters); pass a unique name when several runs share an account."
  type        = string
  default     = null

  validation {
    condition     = var.name == null || can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1 to 64 letters, digits, hyphens or underscores (Lambda function name rules)."
  }
}

variable "role_arn" {
  description = "Execution role ARN of the target function (its module's role_arn output, or aws_lambda_function.x.role). The twin runs with exactly this role and the module creates no IAM of its own."
  type        = string
}

variable "subnet_ids" {
  description = "Subnet IDs of the target's vpc_config (aws_lambda_function.x.vpc_config[0].subnet_ids, or the subnets passed to the target's module). Empty when the target runs outside a VPC."
  type        = list(string)
  default     = []
}

variable "security_group_ids" {
  description = "Security group IDs of the target's vpc_config (aws_lambda_function.x.vpc_config[0].security_group_ids, or the target module's security_group_id output). Empty when the target runs outside a VPC."
  type        = list(string)
  default     = []
}

variable "probe_zip" {
  description = "Path to the probe deployment package: a zip holding the `bootstrap` binary built by `make probes` for var.architecture."
  type        = string
}

variable "architecture" {
  description = "Instruction set of the probe binary in probe_zip: arm64 or x86_64."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "timeout" {
  description = "Probe timeout in seconds. Short on purpose: a probe request is bounded at 25 s by the probe itself."
  type        = number
  default     = 30

  validation {
    condition     = var.timeout >= 5 && var.timeout <= 60
    error_message = "timeout must be between 5 and 60 seconds."
  }
}

variable "memory_size" {
  description = "Probe memory in MB."
  type        = number
  default     = 128
}

variable "log_retention_days" {
  description = "Retention of the probe's log group; the group is destroyed with the twin."
  type        = number
  default     = 1
}

variable "tags" {
  description = "Extra tags. The letsleep tags set by the module win over these."
  type        = map(string)
  default     = {}
}
