module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-rds-proxy"
  region = var.region
  azs    = var.azs
}

# MISTAKE: a proxy "for connection pooling". It pins connections to the
# cluster, which then never pauses.
data "aws_iam_policy_document" "proxy_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "proxy" {
  name_prefix        = "ex-rds-proxy-"
  assume_role_policy = data.aws_iam_policy_document.proxy_assume.json
}

data "aws_iam_policy_document" "proxy_secret" {
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [module.stack.db_master_secret_arn]
  }
}

resource "aws_iam_role_policy" "proxy_secret" {
  name   = "db-secret"
  role   = aws_iam_role.proxy.id
  policy = data.aws_iam_policy_document.proxy_secret.json
}

resource "aws_security_group" "proxy" {
  name_prefix = "ex-rds-proxy-"
  description = "RDS Proxy"
  vpc_id      = module.stack.vpc_id
}

resource "aws_vpc_security_group_ingress_rule" "proxy_from_control" {
  security_group_id            = aws_security_group.proxy.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = module.stack.control_security_group_id
}

resource "aws_vpc_security_group_egress_rule" "proxy_to_db" {
  security_group_id            = aws_security_group.proxy.id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = module.stack.db_security_group_id
}

resource "aws_vpc_security_group_ingress_rule" "db_from_proxy" {
  security_group_id            = module.stack.db_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = aws_security_group.proxy.id
}

resource "aws_db_proxy" "this" {
  name                   = "ex-rds-proxy"
  engine_family          = "POSTGRESQL"
  role_arn               = aws_iam_role.proxy.arn
  vpc_subnet_ids         = module.stack.private_subnet_ids
  vpc_security_group_ids = [aws_security_group.proxy.id]
  require_tls            = true

  auth {
    auth_scheme = "SECRETS"
    iam_auth    = "REQUIRED"
    secret_arn  = module.stack.db_master_secret_arn
  }
}

resource "aws_db_proxy_default_target_group" "this" {
  db_proxy_name = aws_db_proxy.this.name
}

resource "aws_db_proxy_target" "this" {
  db_proxy_name         = aws_db_proxy.this.name
  target_group_name     = aws_db_proxy_default_target_group.this.name
  db_cluster_identifier = module.stack.db_cluster_id
}
