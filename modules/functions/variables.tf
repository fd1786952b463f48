variable "name_prefix" {
  description = "Prefix of the function names (<name_prefix>-features-api, ...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "package_dir" {
  description = "Directory holding the zips that `make build` writes, one <package>.zip per function (build/lambdas)."
  type        = string

  validation {
    condition     = length(trimspace(var.package_dir)) > 0 && !endswith(var.package_dir, "/")
    error_message = "package_dir must be a directory path without a trailing slash."
  }
}

variable "function_settings" {
  description = "Per function (the five packages of lambdas/): description, memory, timeout and reserved concurrency (null = unreserved)."
  type = map(object({
    description          = string
    memory_mb            = optional(number, 256)
    timeout_seconds      = optional(number, 10)
    reserved_concurrency = optional(number)
  }))
  default = {
    features_api     = { description = "GET /features/{id}: the user's latest features from the online store." }
    predictions_api  = { description = "GET /predictions/{id}: features -> endpoint -> probability of default.", timeout_seconds = 15 }
    approvals_api    = { description = "GET/POST /approvals/{token}: review page and decision." }
    approval_request = { description = "Workflow task: stores the approval and emails the reviewer.", timeout_seconds = 30 }
    notify           = { description = "Workflow task: live / rejected / failed emails.", timeout_seconds = 30 }
  }

  validation {
    condition     = setunion(toset(keys(var.function_settings)), toset(["features_api", "predictions_api", "approvals_api", "approval_request", "notify"])) == toset(keys(var.function_settings)) && length(var.function_settings) == 5
    error_message = "function_settings must have exactly the keys features_api, predictions_api, approvals_api, approval_request and notify."
  }

  validation {
    condition = alltrue([
      for settings in values(var.function_settings) :
      settings.memory_mb >= 128 && settings.memory_mb <= 10240 && settings.timeout_seconds >= 1 && settings.timeout_seconds <= 900 &&
      (settings.reserved_concurrency == null ? true : settings.reserved_concurrency >= 1)
    ])
    error_message = "memory_mb must be 128-10240, timeout_seconds 1-900 and reserved_concurrency at least 1 (or null)."
  }
}

variable "runtime" {
  description = "Python runtime of the functions."
  type        = string
  default     = "python3.11"

  validation {
    condition     = contains(["python3.11", "python3.12"], var.runtime)
    error_message = "runtime must be python3.11 or python3.12 (the versions the code and the Powertools layer are built for)."
  }
}

variable "powertools_layer_arn" {
  description = "ARN of the AWS-managed Powertools for AWS Lambda (Python) layer matching the runtime; null for none (the local stack)."
  type        = string
  default     = null

  validation {
    condition     = var.powertools_layer_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:layer:[A-Za-z0-9_-]+:[0-9]+$", var.powertools_layer_arn))
    error_message = "powertools_layer_arn must be a versioned Lambda layer ARN (arn:<partition>:lambda:<region>:<account>:layer:<name>:<version>)."
  }
}

variable "log_level" {
  description = "Log level of the handlers (POWERTOOLS_LOG_LEVEL)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARNING or ERROR."
  }
}

variable "log_retention_days" {
  description = "Retention of the functions' log groups, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key (environment, log groups, and the data the functions read)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "feature_group_name" {
  description = "Name of the feature group whose online store the API reads."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$", var.feature_group_name))
    error_message = "feature_group_name must be a SageMaker feature group name (1-64 letters, digits, - and _)."
  }
}

variable "endpoint_name" {
  description = "Name of the SageMaker endpoint the workflow deploys and the predictions function invokes."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.endpoint_name))
    error_message = "endpoint_name must be 1-63 letters, digits and hyphens."
  }
}

variable "state_machine_name" {
  description = "Name of the workflow state machine (its ARN is built from it: the approvals function resumes it)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,80}$", var.state_machine_name))
    error_message = "state_machine_name must be 1-80 letters, digits, - and _."
  }
}

variable "approvals_table_name" {
  description = "Name of the approvals table."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.approvals_table_name))
    error_message = "approvals_table_name must be a DynamoDB table name (3-255 letters, digits, _ . -)."
  }
}

variable "approvals_table_arn" {
  description = "ARN of the approvals table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.approvals_table_arn))
    error_message = "approvals_table_arn must be a DynamoDB table ARN."
  }
}

variable "idempotency_table_name" {
  description = "Name of the Powertools idempotency table."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{3,255}$", var.idempotency_table_name))
    error_message = "idempotency_table_name must be a DynamoDB table name (3-255 letters, digits, _ . -)."
  }
}

variable "idempotency_table_arn" {
  description = "ARN of the Powertools idempotency table."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.idempotency_table_arn))
    error_message = "idempotency_table_arn must be a DynamoDB table ARN."
  }
}

variable "topic_arn" {
  description = "ARN of the notifications topic."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$", var.topic_arn))
    error_message = "topic_arn must be an SNS topic ARN."
  }
}

variable "artifacts_bucket_name" {
  description = "Name of the artifacts bucket (run outputs and review material)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "artifacts_bucket_name must be a valid S3 bucket name."
  }
}

variable "artifacts_bucket_arn" {
  description = "ARN of the artifacts bucket."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_arn))
    error_message = "artifacts_bucket_arn must be an S3 bucket ARN."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the function roles (null for none)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags added to the functions, roles and log groups."
  type        = map(string)
  default     = {}
}
