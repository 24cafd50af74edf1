# The only function that touches the data: attached to the private subnets,
# its security group goes out to the DB security group on the DB port and
# nowhere else, and it signs in with an IAM auth token (rds-db:connect on
# exactly one DB user), so it needs no secret.

locals {
  # arn:PARTITION:rds:REGION:ACCOUNT:cluster:NAME
  cluster_arn_parts = split(":", var.cluster_arn)
}

resource "aws_security_group" "this" {
  name_prefix = "${var.name}-"
  description = "Control function: out to the database only"
  vpc_id      = var.vpc_id
  tags        = merge(var.tags, { Name = var.name })
}

resource "aws_vpc_security_group_egress_rule" "to_db" {
  security_group_id            = aws_security_group.this.id
  description                  = "PostgreSQL to the cluster"
  ip_protocol                  = "tcp"
  from_port                    = var.db_port
  to_port                      = var.db_port
  referenced_security_group_id = var.db_security_group_id
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "this" {
  name_prefix        = "${var.name}-"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# ENI management and logs; grants nothing on secrets or data.
resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.this.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

data "aws_iam_policy_document" "connect" {
  statement {
    sid     = "ConnectAsOneUser"
    actions = ["rds-db:connect"]
    # arn:PARTITION:rds-db:REGION:ACCOUNT:dbuser:CLUSTER_RESOURCE_ID/USER,
    # written inline so its references lead straight to the cluster.
    resources = [format("arn:%s:rds-db:%s:%s:dbuser:%s/%s",
      split(":", var.cluster_arn)[1], split(":", var.cluster_arn)[3], split(":", var.cluster_arn)[4],
    var.cluster_resource_id, var.db_user)]
  }
}

resource "aws_iam_role_policy" "connect" {
  name   = "rds-db-connect"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.connect.json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  role          = aws_iam_role.this.arn
  filename      = var.package_path
  handler       = "bootstrap"
  runtime       = "provided.al2023"
  architectures = ["arm64"]
  memory_size   = var.memory_size
  timeout       = var.timeout

  vpc_config {
    subnet_ids         = var.subnet_ids
    security_group_ids = [aws_security_group.this.id]
  }

  environment {
    variables = {
      DB_HOST   = var.db_host
      DB_PORT   = tostring(var.db_port)
      DB_NAME   = var.db_name
      DB_USER   = var.db_user
      DB_REGION = local.cluster_arn_parts[3]
    }
  }

  tags = merge(var.tags, { "letsleep:role" = "control" })

  depends_on = [aws_iam_role_policy_attachment.vpc_access]
}
