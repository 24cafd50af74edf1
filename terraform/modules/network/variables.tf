variable "name" {
  description = "Name prefix for every network resource."
  type        = string
}

variable "region" {
  description = "AWS region, used to name the interface endpoint services."
  type        = string
}

variable "cidr" {
  description = "IPv4 CIDR block of the VPC."
  type        = string
  default     = "10.42.0.0/16"
}

variable "azs" {
  description = "Availability zones; one private subnet is made in each."
  type        = list(string)

  validation {
    condition     = length(var.azs) >= 2
    error_message = "Aurora needs subnets in at least two availability zones."
  }
}

variable "interface_endpoints" {
  description = "AWS services (e.g. \"lambda\") reachable from the private subnets through interface endpoints. Each costs per AZ-hour."
  type        = list(string)
  default     = []
}

variable "enable_nat_gateway" {
  description = "Add an internet gateway, a public subnet and a NAT gateway routed from the private subnets. Breaks the sleep-first boundary; keep false."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
