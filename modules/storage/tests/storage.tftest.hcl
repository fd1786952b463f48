mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  bucket_name = "credit-risk-test-raw"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "secures_the_bucket_by_default" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    )
    error_message = "Every public access setting must be blocked."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be on."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "A KMS key means SSE-KMS."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled."
  }

  assert {
    condition     = contains([for s in data.aws_iam_policy_document.bucket.statement : s.sid if s.effect == "Deny"], "DenyInsecureTransport")
    error_message = "The policy must deny requests without TLS."
  }

  assert {
    condition     = length(aws_s3_bucket_notification.this) == 0 && length(aws_s3_bucket_logging.this) == 0
    error_message = "Notifications and access logging are off unless asked for."
  }
}

run "expires_noncurrent_versions_and_listed_prefixes" {
  command = plan

  variables {
    lifecycle_rules = { expire_prefixes = { "runs/" = 30 } }
  }

  assert {
    condition     = [for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.id] == ["noncurrent-versions-and-incomplete-uploads", "expire-runs"]
    error_message = "The lifecycle must hold the default rule and one rule per expiring prefix."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule[0].abort_incomplete_multipart_upload).days_after_initiation == 7
    error_message = "The first rule must abort incomplete multipart uploads across the whole bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_lifecycle_configuration.this.rule[1].expiration).days == 30
    error_message = "runs/ must expire after the given days."
  }
}

run "sends_events_to_eventbridge_and_logs_access_when_asked" {
  command = plan

  variables {
    eventbridge_notifications = true
    access_logging            = { bucket_name = "credit-risk-test-logs" }
  }

  assert {
    condition     = aws_s3_bucket_notification.this[0].eventbridge
    error_message = "EventBridge notifications must be on."
  }

  assert {
    condition     = aws_s3_bucket_logging.this[0].target_bucket == "credit-risk-test-logs" && aws_s3_bucket_logging.this[0].target_prefix == "s3/credit-risk-test-raw/"
    error_message = "Access logs must go to the log bucket under s3/<bucket>/."
  }
}

run "access_log_destination_uses_sse_s3_and_accepts_log_delivery" {
  command = plan

  variables {
    kms_key_arn        = null
    accept_access_logs = true
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256"
    error_message = "An access-log destination must use SSE-S3."
  }

  assert {
    condition     = one(one([for s in data.aws_iam_policy_document.bucket.statement : s if s.sid == "AllowServerAccessLogDelivery"]).principals).identifiers == toset(["logging.s3.amazonaws.com"])
    error_message = "The S3 logging service must be allowed to write."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    bucket_name     = "Not_A_Bucket"
    kms_key_arn     = "alias/not-an-arn"
    access_logging  = { bucket_name = "-bad-" }
    lifecycle_rules = { transition_to_infrequent_access_days = 5 }

    abort_incomplete_multipart_upload_days = 0
  }

  expect_failures = [
    var.bucket_name, var.kms_key_arn, var.access_logging, var.lifecycle_rules, var.abort_incomplete_multipart_upload_days,
  ]
}
