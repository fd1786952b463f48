variable "bucket_name" {
  description = "Globally unique name of the bucket (3-63 lower case letters, digits, dots and hyphens)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name)) && !strcontains(var.bucket_name, "..")
    error_message = "bucket_name must be 3-63 characters of lower case letters, digits, dots and hyphens, starting and ending with a letter or digit."
  }
}

variable "kms_key_arn" {
  description = "ARN of the KMS key for default encryption (SSE-KMS with a bucket key). Null means SSE-S3, which only an S3 server access log destination should use."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "eventbridge_notifications" {
  description = "Send the bucket's object events to EventBridge (the raw bucket does; the workflow rule listens to them)."
  type        = bool
  default     = false
}

variable "access_logging" {
  description = "Where this bucket's server access logs go: the destination bucket (they land under s3/<bucket_name>/). Null disables access logging."
  type = object({
    bucket_name = string
  })
  default = null

  validation {
    condition     = var.access_logging == null || can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.access_logging.bucket_name))
    error_message = "access_logging.bucket_name must be a valid bucket name."
  }
}

variable "accept_access_logs" {
  description = "Make this bucket a server access log destination: lets the S3 logging service of this account write under s3/."
  type        = bool
  default     = false
}

variable "lifecycle_rules" {
  description = "Lifecycle: days before noncurrent versions expire, optional transition to STANDARD_IA, and prefixes whose objects expire after N days."
  type = object({
    noncurrent_version_expiration_days   = optional(number, 90)
    transition_to_infrequent_access_days = optional(number)
    expire_prefixes                      = optional(map(number), {})
  })
  default = {}

  validation {
    condition = (
      var.lifecycle_rules.noncurrent_version_expiration_days >= 1 &&
      (var.lifecycle_rules.transition_to_infrequent_access_days == null ? true : var.lifecycle_rules.transition_to_infrequent_access_days >= 30) &&
      alltrue([for days in values(var.lifecycle_rules.expire_prefixes) : days >= 1])
    )
    error_message = "lifecycle_rules: every number of days must be at least 1, and a transition to STANDARD_IA at least 30 (an S3 rule)."
  }
}

variable "abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads are aborted (their parts cost storage)."
  type        = number
  default     = 7

  validation {
    condition     = var.abort_incomplete_multipart_upload_days >= 1
    error_message = "abort_incomplete_multipart_upload_days must be at least 1."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds objects (keep false for real data)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to the bucket."
  type        = map(string)
  default     = {}
}
