module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-logical-replication"
  region = var.region
  azs    = var.azs

  # MISTAKE: logical replication blocks auto-pause.
  aurora_cluster_parameters = {
    "rds.logical_replication" = "1"
  }
}
