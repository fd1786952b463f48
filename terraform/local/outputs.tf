output "raw_bucket_name" {
  description = "Bucket the local stack drops raw CSV files into."
  value       = module.stack.raw_bucket_name
}

output "raw_prefix" {
  description = "Key prefix under which raw files start the workflow."
  value       = var.raw_prefix
}

output "dead_letter_queue_url" {
  description = "Queue of raw-object events that could not start the workflow."
  value       = module.stack.dead_letter_queue_url
}

output "artifacts_bucket_name" {
  description = "Artifacts bucket (job code, run outputs)."
  value       = module.stack.artifacts_bucket_name
}

output "code_s3_prefix" {
  description = "Where the local stack uploads the job code."
  value       = module.stack.code_s3_prefix
}

output "state_machine_arn" {
  description = "ARN of the workflow whose stored definition the local executor runs."
  value       = module.stack.state_machine_arn
}

output "api_endpoint" {
  description = "API endpoint the emulator reports (the local API gateway serves the routes)."
  value       = module.stack.api_endpoint
}

output "topic_arn" {
  description = "ARN of the notifications topic."
  value       = module.stack.topic_arn
}

output "feature_group_name" {
  description = "Name of the feature group."
  value       = module.stack.feature_group_name
}

output "endpoint_name" {
  description = "Name of the endpoint the workflow deploys."
  value       = module.stack.endpoint_name
}

output "function_names" {
  description = "Lambda function name per package."
  value       = module.stack.function_names
}

output "table_names" {
  description = "DynamoDB table names."
  value       = module.stack.table_names
}

output "workflow_placeholders" {
  description = "Values statemachine.asl.json was rendered with (the local stack and tests compare against them)."
  value       = module.stack.workflow_placeholders
}

output "api_id" {
  description = "ID of the HTTP API in the emulator (the local API gateway reads its routes)."
  value       = module.stack.api_id
}
