module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-quick-create-control"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "an admin API for the control function in two lines"; quick create
# (target) makes a catch-all $default route with no authorization.
resource "aws_apigatewayv2_api" "admin" {
  name          = "ex-quick-create-admin"
  protocol_type = "HTTP"
  target        = module.stack.control_function_arn
}

# Scoped to this API, as it should be; the route in front is still open.
resource "aws_lambda_permission" "admin_api" {
  statement_id  = "AllowAdminAPI"
  action        = "lambda:InvokeFunction"
  function_name = module.stack.control_function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.admin.execution_arn}/*/*"
}
