output "function_name" {
  description = "Name of the probe twin; invoke it with a probe request (docs/probes.md)."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the probe twin."
  value       = aws_lambda_function.this.arn
}

output "target_name" {
  description = "Name of the function this probe twins."
  value       = var.target_name
}

output "log_group_name" {
  description = "Log group of the probe twin (outcomes only, never values)."
  value       = aws_cloudwatch_log_group.this.name
}
