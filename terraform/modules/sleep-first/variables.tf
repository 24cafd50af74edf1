variable "name" {
  description = "Stack name, the prefix of every resource name (at most 29 characters: IAM role and bucket name prefixes are short)."
  type        = string
  default     = "letsleep"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,28}$", var.name))
    error_message = "name must be 1 to 29 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "region" {
  description = "AWS region of the stack."
  type        = string
}

variable "azs" {
  description = "Availability zones of the private subnets (at least two)."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.42.0.0/16"
}

variable "package_dir" {
  description = "Directory holding control.zip, egress.zip, hot.zip and warmup.zip."
  type        = string
  default     = "build/functions"
}

variable "llm_api_url" {
  description = "HTTPS URL of the LLM API the egress function calls."
  type        = string
  default     = "https://api.example-llm.invalid/v1/complete"
}

variable "enable_nat_gateway" {
  description = "Add a NAT gateway to the private subnets. Breaks the boundary; keep false."
  type        = bool
  default     = false
}

variable "aurora_engine_version" {
  description = "Aurora PostgreSQL version (auto-pause needs 16.3 or later on 16)."
  type        = string
  default     = "16.4"
}

variable "aurora_min_capacity" {
  description = "Minimum ACUs; 0 lets the database pause."
  type        = number
  default     = 0
}

variable "aurora_max_capacity" {
  description = "Maximum ACUs."
  type        = number
  default     = 2
}

variable "aurora_instances" {
  description = "Cluster instances keyed by label; db.serverless unless instance_class says otherwise."
  type = map(object({
    instance_class = optional(string, "db.serverless")
    promotion_tier = optional(number, 0)
  }))
  default = { writer = {} }
}

variable "aurora_cluster_parameters" {
  description = "Cluster parameter group settings."
  type        = map(string)
  default     = {}
}

variable "aurora_enable_http_endpoint" {
  description = "Enable the RDS Data API. Opens a path around the VPC; keep false."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
