variable "name" {
  description = "Function name and name prefix."
  type        = string
}

variable "package_path" {
  description = "Path to the deployment zip (a `bootstrap` binary). Plan does not read it."
  type        = string
}

variable "llm_api_url" {
  description = "HTTPS URL of the LLM API the function calls."
  type        = string
  default     = "https://api.example-llm.invalid/v1/complete"

  validation {
    condition     = startswith(var.llm_api_url, "https://")
    error_message = "The LLM API URL must use https://."
  }
}

variable "secret_recovery_window_days" {
  description = "Recovery window of the API key secret (0 deletes at once; test stacks)."
  type        = number
  default     = 7
}

variable "memory_size" {
  description = "Memory in MB."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Timeout in seconds."
  type        = number
  default     = 30
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
