variable "name" {
  description = "Function and table name."
  type        = string
}

variable "package_path" {
  description = "Path to the deployment zip (a `bootstrap` binary). Plan does not read it."
  type        = string
}

variable "item_ttl_seconds" {
  description = "Lifetime of a cached item before DynamoDB TTL removes it."
  type        = number
  default     = 86400
}

variable "url_authorization_type" {
  description = "Auth of the function URL: NONE (public) or AWS_IAM."
  type        = string
  default     = "NONE"

  validation {
    condition     = contains(["NONE", "AWS_IAM"], var.url_authorization_type)
    error_message = "url_authorization_type must be NONE or AWS_IAM."
  }
}

variable "cors_allow_origins" {
  description = "Origins allowed by CORS on the function URL (the viewer's domain)."
  type        = list(string)
  default     = ["*"]
}

variable "memory_size" {
  description = "Memory in MB."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 10
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
