module "stack" {
  source = "../../modules/sleep-first"

  name   = "ex-public-warmup-url"
  region = var.region
  azs    = var.azs
}

# MISTAKE: "a quick URL to test the wake-up"; no auth, so anyone can wake and
# bill the database.
resource "aws_lambda_function_url" "warmup" {
  function_name      = module.stack.warmup_function_name
  authorization_type = "NONE"
}
