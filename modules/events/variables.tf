variable "name_prefix" {
  description = "Prefix of the rule, role and dead-letter queue names."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "bucket_name" {
  description = "Name of the raw bucket (its EventBridge notifications must be on)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name."
  }
}

variable "key_prefix" {
  description = "Key prefix of the objects that start the workflow."
  type        = string
  default     = "incoming/"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.'()/-]*$", var.key_prefix))
    error_message = "key_prefix may only hold letters, digits and ! _ . ' ( ) / - (no wildcards)."
  }
}

variable "key_suffix" {
  description = "Key suffix of the objects that start the workflow."
  type        = string
  default     = ".csv"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.'()-]+$", var.key_suffix))
    error_message = "key_suffix must be non-empty and may only hold letters, digits and ! _ . ' ( ) - (no wildcards or slashes)."
  }
}

variable "state_machine_arn" {
  description = "ARN of the workflow the rule starts."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$", var.state_machine_arn))
    error_message = "state_machine_arn must be a Step Functions state machine ARN."
  }
}

variable "retry_policy" {
  description = "How long and how often EventBridge retries a failed StartExecution before the event goes to the dead-letter queue."
  type = object({
    maximum_event_age_seconds = optional(number, 3600)
    maximum_retry_attempts    = optional(number, 10)
  })
  default = {}

  validation {
    condition = (
      var.retry_policy.maximum_event_age_seconds >= 60 && var.retry_policy.maximum_event_age_seconds <= 86400 &&
      var.retry_policy.maximum_retry_attempts >= 0 && var.retry_policy.maximum_retry_attempts <= 185
    )
    error_message = "retry_policy: maximum_event_age_seconds must be 60-86400 and maximum_retry_attempts 0-185."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long undelivered events stay in the dead-letter queue (SQS allows 60-1209600)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be between 60 and 1209600 (14 days)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the rule's role (null for none)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags added to the rule, role and queue."
  type        = map(string)
  default     = {}
}
