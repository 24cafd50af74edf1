terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # seconds_until_auto_pause (Aurora scale to zero) arrived in 5.81.0.
      version = ">= 5.81"
    }
  }
}
