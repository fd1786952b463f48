output "bucket_name" {
  description = "Name of the bucket, available once its policy is in place (an access-log destination must accept the logging service before a source bucket points at it)."
  value       = aws_s3_bucket.this.id

  depends_on = [aws_s3_bucket_policy.this]
}

output "bucket_arn" {
  description = "ARN of the bucket."
  value       = aws_s3_bucket.this.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "bucket_eventbridge_enabled" {
  description = "Whether the bucket sends its events to EventBridge."
  value       = length(aws_s3_bucket_notification.this) == 1
}
