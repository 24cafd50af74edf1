module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-egress-invokes-control"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "let the summariser fetch context by calling the control function".
data "aws_iam_policy_document" "egress_invoke_control" {
  statement {
    actions   = ["lambda:InvokeFunction"]
    resources = [module.stack.control_function_arn]
  }
}

resource "aws_iam_role_policy" "egress_invoke_control" {
  name   = "invoke-control"
  role   = module.stack.egress_role_name
  policy = data.aws_iam_policy_document.egress_invoke_control.json
}
