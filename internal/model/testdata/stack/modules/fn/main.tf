# A function module: the role, subnets and groups come in as inputs, so the
# model must follow var.* back to the caller and module outputs forward.
variable "name" { type = string }
variable "role_arn" { type = string }
variable "subnet_ids" { type = list(string) }
variable "security_group_ids" { type = list(string) }
variable "role_tag" { type = string }

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = var.role_arn
  runtime       = "provided.al2023"
  handler       = "bootstrap"
  s3_bucket     = "artifacts"
  s3_key        = "${var.name}.zip"
  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = var.security_group_ids
  }
  tags = { "letsleep:role" = var.role_tag }
}

output "arn" { value = aws_lambda_function.this.arn }
output "invoke_arn" { value = aws_lambda_function.this.invoke_arn }
