module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-warmup-unthrottled"
  region = var.region
  azs    = var.azs
}

# MISTAKE: a second warm-up path "for the nightly batch" without single
# flight and without stage throttling: a burst of calls piles up connections
# while Aurora resumes, and repeated calls keep it from ever pausing.
module "prewarm" {
  source = "../../modules/warmup"

  name                       = "ex-warmup-unthrottled-prewarm"
  package_path               = "build/functions/warmup.zip"
  vpc_id                     = module.stack.vpc_id
  subnet_ids                 = module.stack.private_subnet_ids
  endpoint_security_group_id = module.stack.endpoint_security_group_id
  control_function_name      = module.stack.control_function_name
  control_function_arn       = module.stack.control_function_arn

  single_flight = false
  throttle      = false
}
