module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-admin-on-egress"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "it kept failing with AccessDenied"; AdministratorAccess grants
# every action on every resource: the DB secret, rds-db:connect, invoking the
# control function, and every S3 object.
resource "aws_iam_role_policy_attachment" "egress_admin" {
  role       = module.stack.egress_role_name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
