module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-provisioned-reader"
  region = var.region
  azs    = var.azs

  aurora_instances = {
    writer = {}
    # MISTAKE: a provisioned reader "for reporting" never pauses.
    reader = { instance_class = "db.r6g.large", promotion_tier = 1 }
  }
}
