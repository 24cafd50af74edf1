module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-old-engine"
  region = var.region
  azs    = var.azs

  # MISTAKE: auto-pause needs 15.7 or later on the 15 line; no error is raised.
  aurora_engine_version = "15.4"
}
