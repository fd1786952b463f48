provider "aws" {
  region = "eu-west-1"
}

# A raw-data bucket that sends its events to EventBridge and logs access to a second bucket.
module "access_logs" {
  source = "../.."

  bucket_name        = "credit-risk-example-access-logs"
  accept_access_logs = true
  lifecycle_rules    = { expire_prefixes = { "s3/" = 365 } }
}

module "raw" {
  source = "../.."

  bucket_name               = "credit-risk-example-raw"
  kms_key_arn               = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  eventbridge_notifications = true
  access_logging            = { bucket_name = module.access_logs.bucket_name }
}

output "raw_bucket_arn" {
  description = "ARN of the raw bucket."
  value       = module.raw.bucket_arn
}
