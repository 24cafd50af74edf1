# The reference sleep-first stack. `letsleep check` on it must report nothing
# at medium or above.
module "stack" {
  source = "../../modules/sleep-first"

  name        = var.name
  region      = var.region
  azs         = var.azs
  package_dir = var.package_dir
}
