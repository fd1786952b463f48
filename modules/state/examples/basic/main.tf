provider "aws" {
  region = "eu-west-1"
}

# The claims, approvals and idempotency tables.
module "state" {
  source = "../.."

  name_prefix         = "credit-risk-example"
  kms_key_arn         = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  deletion_protection = false
}

output "claims_table_name" {
  description = "Name of the claims table."
  value       = module.state.claims_table_name
}
