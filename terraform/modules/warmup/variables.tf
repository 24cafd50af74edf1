variable "name" {
  description = "Function and API name."
  type        = string
}

variable "package_path" {
  description = "Path to the deployment zip (a `bootstrap` binary). Plan does not read it."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the function's security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (no NAT route) the function is attached to."
  type        = list(string)
}

variable "endpoint_security_group_id" {
  description = "Security group of the interface endpoints, the only egress destination."
  type        = string
}

variable "control_function_name" {
  description = "Name of the control function to invoke."
  type        = string
}

variable "control_function_arn" {
  description = "ARN of the control function; the only function the role may invoke."
  type        = string
}

variable "single_flight" {
  description = "Reserve a concurrency of 1 so only one wake runs at a time. Keep true."
  type        = bool
  default     = true
}

variable "throttle" {
  description = "Rate-limit the API stage (rate_limit_per_second, burst_limit). Keep true."
  type        = bool
  default     = true
}

variable "rate_limit_per_second" {
  description = "Steady-state requests per second admitted by the API stage."
  type        = number
  default     = 1
}

variable "burst_limit" {
  description = "Burst of requests admitted by the API stage."
  type        = number
  default     = 2
}

variable "timeout" {
  description = "Timeout in seconds; covers an Aurora resume."
  type        = number
  default     = 60
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
