output "function_name" {
  description = "Name of the hot function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the hot function."
  value       = aws_lambda_function.this.arn
}

output "function_url" {
  description = "Public URL of the hot endpoint."
  value       = aws_lambda_function_url.this.function_url
}

output "role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.this.name
}

output "table_name" {
  description = "Name of the DynamoDB table."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "ARN of the DynamoDB table."
  value       = aws_dynamodb_table.this.arn
}
