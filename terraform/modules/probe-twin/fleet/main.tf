# One probe twin per target: what the AWS backend applies next to a
# deployed stack, then destroys.

provider "aws" {
  region                      = var.region
  skip_credentials_validation = var.offline
  skip_requesting_account_id  = var.offline
  skip_metadata_api_check     = var.offline
}

module "twin" {
  source   = "../"
  for_each = var.targets

  # A short hash of the address keeps names unique and under 64 characters.
  name               = substr("${var.name_prefix}-${substr(sha1(each.key), 0, 6)}-${each.value.name}", 0, 64)
  target_name        = each.value.name
  role_arn           = each.value.role_arn
  subnet_ids         = each.value.subnet_ids
  security_group_ids = each.value.security_group_ids
  probe_zip          = var.probe_zip
  architecture       = var.architecture
}
