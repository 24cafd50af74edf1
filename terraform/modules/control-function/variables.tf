variable "name" {
  description = "Function name and name prefix."
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
  description = "Private subnets (no route to a NAT) the function is attached to."
  type        = list(string)
}

variable "db_security_group_id" {
  description = "Security group of the database, the only egress destination."
  type        = string
}

variable "db_port" {
  description = "Database port."
  type        = number
  default     = 5432
}

variable "db_host" {
  description = "Writer endpoint of the cluster."
  type        = string
}

variable "db_name" {
  description = "Database name."
  type        = string
}

variable "db_user" {
  description = "Database user granted rds_iam; the only user the role may connect as."
  type        = string
  default     = "app_control"
}

variable "cluster_arn" {
  description = "Cluster ARN; partition, region and account of the rds-db:connect ARN come from it."
  type        = string
}

variable "cluster_resource_id" {
  description = "Cluster resource id (cluster-XXXX) for the rds-db:connect ARN."
  type        = string
}

variable "memory_size" {
  description = "Memory in MB."
  type        = number
  default     = 256
}

variable "timeout" {
  description = "Timeout in seconds; covers an Aurora resume (about 15 to 30 s)."
  type        = number
  default     = 60
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
