variable "name_prefix" {
  description = "Prefix of the table names: <name_prefix>-claims, -approvals, -idempotency."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key that encrypts the tables."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the tables (turn off before `terraform destroy`)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to the tables."
  type        = map(string)
  default     = {}
}
