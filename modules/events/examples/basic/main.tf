provider "aws" {
  region = "eu-west-1"
}

# The rule that starts the workflow when a CSV lands under incoming/.
module "events" {
  source = "../.."

  name_prefix       = "credit-risk-example"
  bucket_name       = "credit-risk-example-raw"
  state_machine_arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:credit-risk-example-workflow"
  retry_policy      = { maximum_event_age_seconds = 7200, maximum_retry_attempts = 20 }
}

output "dead_letter_queue_url" {
  description = "Queue of undelivered events."
  value       = module.events.dead_letter_queue_url
}
