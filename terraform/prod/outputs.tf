output "raw_bucket_name" {
  description = "Drop raw loan CSV files under incoming/ in this bucket."
  value       = module.stack.raw_bucket_name
}

output "artifacts_bucket_name" {
  description = "Bucket of job code, run outputs and models."
  value       = module.stack.artifacts_bucket_name
}

output "code_s3_prefix" {
  description = "Where CI uploads the job code of this deployment."
  value       = module.stack.code_s3_prefix
}

output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = module.stack.api_endpoint
}

output "state_machine_arn" {
  description = "ARN of the workflow."
  value       = module.stack.state_machine_arn
}

output "topic_arn" {
  description = "ARN of the notifications topic."
  value       = module.stack.topic_arn
}

output "endpoint_name" {
  description = "Name of the endpoint the workflow creates (delete it before `terraform destroy`)."
  value       = module.stack.endpoint_name
}
