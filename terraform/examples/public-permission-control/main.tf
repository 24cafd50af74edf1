module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-public-permission-control"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "let S3 notify the control function"; no source_arn and no
# source_account, so an S3 bucket in any account can invoke it, and every
# invocation opens a connection to Aurora.
resource "aws_lambda_permission" "s3" {
  statement_id  = "AllowS3Invoke"
  action        = "lambda:InvokeFunction"
  function_name = module.stack.control_function_name
  principal     = "s3.amazonaws.com"
}
