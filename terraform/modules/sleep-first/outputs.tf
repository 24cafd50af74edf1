output "vpc_id" {
  description = "ID of the VPC."
  value       = module.network.vpc_id
}

output "private_subnet_ids" {
  description = "IDs of the private subnets."
  value       = module.network.private_subnet_ids
}

output "endpoint_security_group_id" {
  description = "Security group of the interface endpoints (HTTPS from the VPC)."
  value       = module.network.endpoint_security_group_id
}

output "db_cluster_id" {
  description = "Aurora cluster identifier."
  value       = module.aurora.cluster_id
}

output "db_cluster_arn" {
  description = "Aurora cluster ARN."
  value       = module.aurora.cluster_arn
}

output "db_endpoint" {
  description = "Aurora writer endpoint."
  value       = module.aurora.endpoint
}

output "db_security_group_id" {
  description = "Security group of the cluster."
  value       = module.aurora.security_group_id
}

output "db_master_secret_arn" {
  description = "ARN of the RDS-managed master user secret."
  value       = module.aurora.master_user_secret_arn
}

output "db_instance_identifiers" {
  description = "Instance identifiers (CloudWatch DBInstanceIdentifier) keyed by label."
  value       = module.aurora.instance_identifiers
}

output "control_function_name" {
  description = "Name of the control function."
  value       = module.control.function_name
}

output "control_function_arn" {
  description = "ARN of the control function."
  value       = module.control.function_arn
}

output "control_security_group_id" {
  description = "Security group of the control function."
  value       = module.control.security_group_id
}

output "egress_function_name" {
  description = "Name of the egress function."
  value       = module.egress.function_name
}

output "egress_role_name" {
  description = "Execution role of the egress function."
  value       = module.egress.role_name
}

output "egress_api_key_secret_arn" {
  description = "ARN of the egress function's own API key secret."
  value       = module.egress.api_key_secret_arn
}

output "hot_function_name" {
  description = "Name of the hot function."
  value       = module.hot.function_name
}

output "hot_role_name" {
  description = "Execution role of the hot function."
  value       = module.hot.role_name
}

output "hot_url" {
  description = "Public URL of the hot endpoint."
  value       = module.hot.function_url
}

output "warmup_function_name" {
  description = "Name of the warm-up function."
  value       = module.warmup.function_name
}

output "warmup_wake_url" {
  description = "IAM-signed wake-ahead URL."
  value       = module.warmup.wake_url
}

output "viewer_domain_name" {
  description = "CloudFront domain name of the viewer."
  value       = module.viewer.distribution_domain_name
}
