provider "aws" {
  region = "eu-west-1"
}

# A customer managed key for one deployment of the pipeline.
module "encryption" {
  source = "../.."

  name_prefix             = "credit-risk-example"
  deletion_window_in_days = 7
}

output "key_arn" {
  description = "ARN of the key."
  value       = module.encryption.key_arn
}
