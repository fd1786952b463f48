variable "name_prefix" {
  description = "Prefix of the topic name (<name_prefix>-notifications)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key that encrypts the topic's messages."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "email_addresses" {
  description = "Addresses that receive the review requests and the live/rejected/failed emails (each must confirm its subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for address in var.email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", address))])
    error_message = "email_addresses must hold email addresses (name@domain.tld)."
  }
}

variable "tags" {
  description = "Tags added to the topic."
  type        = map(string)
  default     = {}
}
