variable "name" {
  description = "Cluster identifier and name prefix."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the cluster and its security group."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the DB subnet group (at least two AZs)."
  type        = list(string)
}

variable "allowed_security_groups" {
  description = "Client security groups admitted on the DB port, keyed by a stable label (e.g. { control = sg-... }). Keys must be known at plan time."
  type        = map(string)
  default     = {}
}

variable "engine_version" {
  description = "Aurora PostgreSQL version. Auto-pause needs 16.3, 15.7, 14.12, 13.15 or later."
  type        = string
  default     = "16.4"
}

variable "database_name" {
  description = "Name of the initial database."
  type        = string
  default     = "app"
}

variable "master_username" {
  description = "Master user name; its password is managed by RDS in Secrets Manager."
  type        = string
  default     = "postgres_admin"
}

variable "port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "min_capacity" {
  description = "Minimum ACUs. 0 lets the cluster pause; anything above keeps it awake."
  type        = number
  default     = 0
}

variable "max_capacity" {
  description = "Maximum ACUs."
  type        = number
  default     = 2
}

variable "seconds_until_auto_pause" {
  description = "Idle seconds before the cluster pauses (300 to 86400). Used only when min_capacity is 0."
  type        = number
  default     = 300
}

variable "instances" {
  description = "Cluster instances keyed by a stable label. Keep db.serverless: a provisioned class never pauses."
  type = map(object({
    instance_class = optional(string, "db.serverless")
    promotion_tier = optional(number, 0)
  }))
  default = { writer = {} }
}

variable "cluster_parameters" {
  description = "Cluster parameter group settings. Do not set rds.logical_replication: it blocks auto-pause."
  type        = map(string)
  default     = {}
}

variable "enable_http_endpoint" {
  description = "Enable the RDS Data API. It opens a path to the data from outside the VPC; keep false."
  type        = bool
  default     = false
}

variable "backup_retention_days" {
  description = "Days of automated backups."
  type        = number
  default     = 1
}

variable "deletion_protection" {
  description = "Protect the cluster from deletion."
  type        = bool
  default     = false
}

variable "skip_final_snapshot" {
  description = "Skip the final snapshot on destroy (test stacks)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
