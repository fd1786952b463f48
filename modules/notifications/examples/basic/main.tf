provider "aws" {
  region = "eu-west-1"
}

# The notifications topic with two reviewers.
module "notifications" {
  source = "../.."

  name_prefix     = "credit-risk-example"
  kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  email_addresses = ["reviewer@example.com", "risk-team@example.com"]
}

output "topic_arn" {
  description = "ARN of the topic."
  value       = module.notifications.topic_arn
}
