output "twin_names" {
  description = "Probe twin name per target address."
  value       = { for address, twin in module.twin : address => twin.function_name }
}
