output "function_name" {
  description = "Name of the warm-up function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the warm-up function."
  value       = aws_lambda_function.this.arn
}

output "security_group_id" {
  description = "Security group of the warm-up function."
  value       = aws_security_group.this.id
}

output "wake_url" {
  description = "IAM-signed URL that wakes the database (POST)."
  value       = "${aws_apigatewayv2_stage.this.invoke_url}wake"
}
