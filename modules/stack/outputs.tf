output "raw_bucket_name" {
  description = "Bucket to drop raw loan CSV files into (under raw_prefix)."
  value       = module.raw_bucket.bucket_name
}

output "artifacts_bucket_name" {
  description = "Bucket of job code, run outputs, models and the offline feature store."
  value       = module.artifacts_bucket.bucket_name
}

output "access_logs_bucket_name" {
  description = "Bucket of the S3 server access logs."
  value       = module.access_logs_bucket.bucket_name
}

output "code_s3_prefix" {
  description = "Where CI uploads the job code bundle of this deployment (s3://.../code/<version>)."
  value       = module.workflow.state_machine_placeholders.code_s3_prefix
}

output "kms_key_arn" {
  description = "ARN of the key that encrypts the product's data."
  value       = module.encryption.key_arn
}

output "state_machine_arn" {
  description = "ARN of the workflow."
  value       = module.workflow.state_machine_arn
}

output "state_machine_name" {
  description = "Name of the workflow."
  value       = module.workflow.state_machine_name
}

output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = module.api.api_endpoint
}

output "api_id" {
  description = "ID of the HTTP API."
  value       = module.api.api_id
}

output "api_execution_arn" {
  description = "Execution ARN of the HTTP API (grant execute-api:Invoke on its data routes to API callers)."
  value       = module.api.api_execution_arn
}

output "topic_arn" {
  description = "ARN of the notifications topic."
  value       = module.notifications.topic_arn
}

output "feature_group_name" {
  description = "Name of the feature group."
  value       = module.sagemaker.feature_group_name
}

output "model_package_group_name" {
  description = "Name of the model package group."
  value       = module.sagemaker.model_package_group_name
}

output "endpoint_name" {
  description = "Name of the endpoint the workflow creates (not managed by Terraform: see docs/deploy.md, tearing down)."
  value       = local.endpoint_name
}

output "function_names" {
  description = "Lambda function name per package."
  value       = module.functions.function_names
}

output "table_names" {
  description = "DynamoDB table names: claims, approvals, idempotency."
  value = {
    claims      = module.state.claims_table_name
    approvals   = module.state.approvals_table_name
    idempotency = module.state.idempotency_table_name
  }
}

output "dead_letter_queue_url" {
  description = "Queue of raw-object events that could not start the workflow."
  value       = module.events.dead_letter_queue_url
}

output "workflow_placeholders" {
  description = "Values the workflow template was rendered with (docs/design/interfaces.md section 4)."
  value       = module.workflow.state_machine_placeholders
}
