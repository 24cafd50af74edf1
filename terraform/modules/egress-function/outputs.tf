output "function_name" {
  description = "Name of the egress function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the egress function."
  value       = aws_lambda_function.this.arn
}

output "role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.this.arn
}

output "api_key_secret_arn" {
  description = "ARN of the function's own API key secret."
  value       = aws_secretsmanager_secret.api_key.arn
}
