# With offline = true the provider makes no AWS call during plan, so the stack
# plans with fake keys and no network (tests, CI, `make check`).
provider "aws" {
  region                      = var.region
  skip_credentials_validation = var.offline
  skip_requesting_account_id  = var.offline
  skip_metadata_api_check     = var.offline
}
