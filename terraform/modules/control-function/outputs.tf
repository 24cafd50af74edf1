output "function_name" {
  description = "Name of the control function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the control function."
  value       = aws_lambda_function.this.arn
}

output "security_group_id" {
  description = "Security group of the control function (the DB admits it)."
  value       = aws_security_group.this.id
}

output "role_name" {
  description = "Name of the execution role."
  value       = aws_iam_role.this.name
}

output "role_arn" {
  description = "ARN of the execution role."
  value       = aws_iam_role.this.arn
}
