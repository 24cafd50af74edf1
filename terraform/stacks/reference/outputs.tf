output "hot_url" {
  description = "Public URL of the hot endpoint (the sleep suite drives it)."
  value       = module.stack.hot_url
}

output "warmup_wake_url" {
  description = "IAM-signed wake-ahead URL."
  value       = module.stack.warmup_wake_url
}

output "viewer_domain_name" {
  description = "CloudFront domain of the viewer."
  value       = module.stack.viewer_domain_name
}

output "control_function_name" {
  description = "Name of the control function."
  value       = module.stack.control_function_name
}

output "egress_function_name" {
  description = "Name of the egress function."
  value       = module.stack.egress_function_name
}

output "hot_function_name" {
  description = "Name of the hot function."
  value       = module.stack.hot_function_name
}

output "warmup_function_name" {
  description = "Name of the warm-up function."
  value       = module.stack.warmup_function_name
}

output "db_cluster_id" {
  description = "Aurora cluster identifier."
  value       = module.stack.db_cluster_id
}

output "db_instance_identifiers" {
  description = "Aurora instance identifiers (CloudWatch dimension)."
  value       = module.stack.db_instance_identifiers
}

output "db_endpoint" {
  description = "Aurora writer endpoint."
  value       = module.stack.db_endpoint
}
