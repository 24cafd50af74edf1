variable "routes" {
  type = any
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = { for key, r in var.routes : key => r }

  api_id          = "api"
  integration_uri = lookup(each.value, "handler", null)
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.routes

  api_id    = "api"
  route_key = each.key
  target    = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
}
