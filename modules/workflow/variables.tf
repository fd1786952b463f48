variable "name" {
  description = "Name of the state machine (the functions module builds its ARN from the same name)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,76}$", var.name))
    error_message = "name must be 1-76 letters, digits, - and _ (the role name adds -sfn)."
  }
}

variable "definition_template_path" {
  description = "Path of the ASL template (the repository's statemachine.asl.json) rendered with templatefile()."
  type        = string

  validation {
    condition     = fileexists(var.definition_template_path)
    error_message = "definition_template_path must name an existing file (the repository's statemachine.asl.json)."
  }
}

variable "claims_table" {
  description = "The claims table: name and ARN."
  type = object({
    name = string
    arn  = string
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:[0-9]{12}:table/[A-Za-z0-9_.-]{3,255}$", var.claims_table.arn))
    error_message = "claims_table.arn must be a DynamoDB table ARN."
  }
}

variable "artifacts_bucket" {
  description = "The artifacts bucket: name and ARN."
  type = object({
    name = string
    arn  = string
  })

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket.name))
    error_message = "artifacts_bucket.name must be a valid S3 bucket name."
  }
}

variable "code_version" {
  description = "Version of the job code under s3://<artifacts>/code/<version>/ (CI uploads it; the git commit SHA in deployments)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]{1,64}$", var.code_version))
    error_message = "code_version must be 1-64 letters, digits, . _ and - (it becomes an S3 key segment)."
  }
}

variable "sagemaker" {
  description = "SageMaker names the workflow uses: execution role, feature group, model package group and the job images."
  type = object({
    role_arn                 = string
    feature_group_name       = string
    model_package_group_name = string
    processing_image_uri     = string
    training_image_uri       = string
    inference_image_uri      = string
  })

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.sagemaker.role_arn))
    error_message = "sagemaker.role_arn must be an IAM role ARN."
  }
}

variable "functions" {
  description = "ARNs of the two functions the workflow invokes."
  type = object({
    approval_request_arn = string
    notify_arn           = string
  })

  validation {
    condition = alltrue([
      for arn in values(var.functions) : can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}$", arn))
    ])
    error_message = "functions.approval_request_arn and functions.notify_arn must be unqualified Lambda function ARNs."
  }
}

variable "api_base_url" {
  description = "Base URL of the HTTP API, without trailing slash (review links and the live email)."
  type        = string

  validation {
    condition     = can(regex("^https?://[^\\s]+[^/]$", var.api_base_url))
    error_message = "api_base_url must be an http(s) URL without a trailing slash."
  }
}

variable "endpoint" {
  description = "The model endpoint the workflow deploys: name, mode (serverless is the default: it costs nothing while idle), and the sizes of each mode and the wait for InService."
  type = object({
    name                       = string
    mode                       = optional(string, "serverless")
    instance_type              = optional(string, "ml.m5.large")
    serverless_memory_mb       = optional(number, 2048)
    serverless_max_concurrency = optional(number, 5)
    poll_seconds               = optional(number, 30)
    max_polls                  = optional(number, 60)
  })

  validation {
    condition     = can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.endpoint.name))
    error_message = "endpoint.name must be 1-63 letters, digits and hyphens."
  }

  validation {
    condition     = contains(["serverless", "instance"], var.endpoint.mode)
    error_message = "endpoint.mode must be serverless or instance."
  }

  validation {
    condition     = can(regex("^ml\\.[a-z0-9]+\\.[a-z0-9]+$", var.endpoint.instance_type))
    error_message = "endpoint.instance_type must be a SageMaker instance type (ml.<family>.<size>)."
  }

  validation {
    condition = (
      contains([1024, 2048, 3072, 4096, 5120, 6144], var.endpoint.serverless_memory_mb) &&
      var.endpoint.serverless_max_concurrency >= 1 && var.endpoint.serverless_max_concurrency <= 200
    )
    error_message = "endpoint.serverless_memory_mb must be 1024-6144 in steps of 1024 and serverless_max_concurrency 1-200."
  }

  validation {
    condition     = var.endpoint.poll_seconds >= 5 && var.endpoint.max_polls >= 1
    error_message = "endpoint.poll_seconds must be at least 5 and endpoint.max_polls at least 1."
  }
}

variable "jobs" {
  description = "Instance types, run-time limits (seconds) and volume size (GB) of the processing and training jobs, and the RandomForest hyperparameters."
  type = object({
    processing_instance_type       = optional(string, "ml.t3.medium")
    training_instance_type         = optional(string, "ml.m5.large")
    rf_n_estimators                = optional(number, 50)
    rf_max_depth                   = optional(number, 12)
    rf_min_samples_leaf            = optional(number, 0.003)
    rf_max_samples                 = optional(number, 0.2)
    processing_max_runtime_seconds = optional(number, 3600)
    training_max_runtime_seconds   = optional(number, 7200)
    volume_size_gb                 = optional(number, 30)
  })
  default = {}

  validation {
    condition = alltrue([
      for type in [var.jobs.processing_instance_type, var.jobs.training_instance_type] : can(regex("^ml\\.[a-z0-9]+\\.[a-z0-9]+$", type))
    ])
    error_message = "jobs instance types must be SageMaker instance types (ml.<family>.<size>)."
  }

  validation {
    condition = alltrue([
      for value in [var.jobs.rf_n_estimators, var.jobs.rf_max_depth] : value >= 1 && value == floor(value)
    ])
    error_message = "jobs.rf_n_estimators and rf_max_depth must be whole numbers of at least 1."
  }

  validation {
    condition     = var.jobs.rf_min_samples_leaf > 0 && (var.jobs.rf_min_samples_leaf < 1 || var.jobs.rf_min_samples_leaf == floor(var.jobs.rf_min_samples_leaf))
    error_message = "jobs.rf_min_samples_leaf must be a fraction of the training rows in (0, 1) or a whole number of rows of at least 1."
  }

  validation {
    condition     = var.jobs.rf_max_samples > 0 && var.jobs.rf_max_samples <= 1
    error_message = "jobs.rf_max_samples (the share of training rows each tree's bootstrap sample draws) must be in (0, 1]."
  }

  validation {
    condition = alltrue([
      for value in [var.jobs.processing_max_runtime_seconds, var.jobs.training_max_runtime_seconds] : value >= 60 && value <= 432000 && value == floor(value)
    ])
    error_message = "jobs.processing_max_runtime_seconds and training_max_runtime_seconds must be whole seconds from 60 to 432000 (5 days, SageMaker's limit)."
  }

  validation {
    condition     = var.jobs.volume_size_gb >= 1 && var.jobs.volume_size_gb <= 16384 && var.jobs.volume_size_gb == floor(var.jobs.volume_size_gb)
    error_message = "jobs.volume_size_gb (each job instance's storage volume) must be a whole number of GB from 1 to 16384."
  }
}

variable "approval_timeout_seconds" {
  description = "How long the workflow waits for the reviewer before the wait ends as a rejection (60 s to 7 days)."
  type        = number
  default     = 86400

  validation {
    condition     = var.approval_timeout_seconds >= 60 && var.approval_timeout_seconds <= 604800
    error_message = "approval_timeout_seconds must be between 60 and 604800 (7 days)."
  }
}

variable "quality_gate_min_roc_auc" {
  description = "Holdout ROC AUC below which a model is rejected without asking the reviewer."
  type        = number
  default     = 0.6

  validation {
    condition     = var.quality_gate_min_roc_auc >= 0.5 && var.quality_gate_min_roc_auc <= 1
    error_message = "quality_gate_min_roc_auc must be between 0.5 (chance) and 1."
  }
}

variable "log_level" {
  description = "Execution history level sent to CloudWatch Logs (execution data is never included: it holds the task token)."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ERROR", "FATAL"], var.log_level)
    error_message = "log_level must be ALL, ERROR or FATAL."
  }
}

variable "log_retention_days" {
  description = "Retention of the execution log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key of the execution log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the workflow role (null for none)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags added to the state machine, role and log group."
  type        = map(string)
  default     = {}
}
