output "twin_name" {
  description = "Probe twin of the VPC target."
  value       = module.twin.function_name
}

output "twin_outside_name" {
  description = "Probe twin of the target outside a VPC."
  value       = module.twin_outside.function_name
}
