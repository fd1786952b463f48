variable "name_prefix" {
  description = "Prefix of every name this deployment creates (lower case letters, digits and hyphens, 3-32 characters, starting with a letter)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "deletion_window_in_days" {
  description = "Days a deleted key waits before it is destroyed (AWS allows 7 to 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "rotation_period_in_days" {
  description = "Days between automatic rotations of the key material (AWS allows 90 to 2560)."
  type        = number
  default     = 365

  validation {
    condition     = var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560
    error_message = "rotation_period_in_days must be between 90 and 2560."
  }
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
  default     = {}
}
