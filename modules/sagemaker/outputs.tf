output "execution_role_arn" {
  description = "ARN of the SageMaker execution role (jobs, offline store, endpoint model)."
  value       = aws_iam_role.execution.arn
}

output "execution_role_name" {
  description = "Name of the SageMaker execution role."
  value       = aws_iam_role.execution.name
}

output "feature_group_name" {
  description = "Name of the feature group."
  value       = aws_sagemaker_feature_group.this.feature_group_name
}

output "feature_group_arn" {
  description = "ARN of the feature group."
  value       = aws_sagemaker_feature_group.this.arn
}

output "model_package_group_name" {
  description = "Name of the model package group (Model Registry)."
  value       = aws_sagemaker_model_package_group.this.model_package_group_name
}

output "model_package_group_arn" {
  description = "ARN of the model package group."
  value       = aws_sagemaker_model_package_group.this.arn
}

output "image_uris" {
  description = "Image URI per job kind: processing, training, inference."
  value       = local.images
}

output "offline_store_s3_uri" {
  description = "S3 URI under which the offline store writes its history."
  value       = "s3://${var.artifacts_bucket_name}/${local.offline_store_prefix}"
}
