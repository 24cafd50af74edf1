module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-min-acu-half"
  region = var.region
  azs    = var.azs

  # MISTAKE: 0.5 ACU was the old floor; above 0 the cluster never pauses.
  aurora_min_capacity = 0.5
}
