variable "name_prefix" {
  description = "Prefix of every name of this deployment (for example credit-risk-dev); 3-24 characters so that every derived name stays within AWS limits."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,23}$", var.name_prefix))
    error_message = "name_prefix must be 3-24 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "definition_template_path" {
  description = "Path of the workflow template: the repository's statemachine.asl.json."
  type        = string
}

variable "lambda_package_dir" {
  description = "Directory of the function zips that `make build` writes (build/lambdas)."
  type        = string
}

variable "code_version" {
  description = "Version of the job code uploaded to s3://<artifacts>/code/<version>/ (CI uses the commit SHA)."
  type        = string
}

variable "lambda_runtime" {
  description = "Python runtime of the functions (python3.11 or python3.12)."
  type        = string
  default     = "python3.11"
}

variable "powertools_layer_arn" {
  description = "ARN of the AWS-managed Powertools for AWS Lambda (Python) layer for the runtime (null: no layer, as in the local stack)."
  type        = string
  default     = null
}

variable "notification_emails" {
  description = "Addresses of the reviewers and of whoever receives the live/rejected/failed emails."
  type        = list(string)
  default     = []
}

variable "raw_prefix" {
  description = "Key prefix in the raw bucket of the files that start the workflow."
  type        = string
  default     = "incoming/"
}

variable "raw_suffix" {
  description = "Key suffix of the files that start the workflow."
  type        = string
  default     = ".csv"
}

variable "data_route_authorization" {
  description = "Authentication of /features and /predictions: AWS_IAM, or JWT with issuer, audience and optional scopes."
  type = object({
    type = string
    jwt = optional(object({
      issuer   = string
      audience = list(string)
      scopes   = optional(list(string), [])
    }))
  })
  default = { type = "AWS_IAM" }
}

variable "api_base_url" {
  description = "Base URL of the links in the emails (review page, live API) when it is not the HTTP API's own endpoint: a custom domain, or the local stack's gateway (null: the API endpoint)."
  type        = string
  default     = null

  validation {
    condition     = var.api_base_url == null || can(regex("^https?://[^\\s]+[^/]$", var.api_base_url))
    error_message = "api_base_url must be an http(s) URL without a trailing slash, or null."
  }
}

variable "api_throttling" {
  description = "Default throttling of the HTTP API routes."
  type = object({
    rate_limit  = optional(number, 50)
    burst_limit = optional(number, 100)
  })
  default = {}
}

variable "endpoint" {
  description = "Model endpoint the workflow deploys: serverless (default, nothing to pay while idle) or instance, with the sizes of each mode."
  type = object({
    mode                       = optional(string, "serverless")
    instance_type              = optional(string, "ml.m5.large")
    serverless_memory_mb       = optional(number, 2048)
    serverless_max_concurrency = optional(number, 5)
    poll_seconds               = optional(number, 30)
    max_polls                  = optional(number, 60)
  })
  default = {}
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
}

variable "approval_timeout_seconds" {
  description = "How long the workflow waits for the reviewer (the wait then ends as a rejection)."
  type        = number
  default     = 86400
}

variable "quality_gate_min_roc_auc" {
  description = "Holdout ROC AUC below which a model is rejected without review."
  type        = number
  default     = 0.6
}

variable "sklearn_image_tag" {
  description = "Tag of the SageMaker scikit-learn image of the jobs and the endpoint."
  type        = string
  default     = "1.2-1-cpu-py3"
}

variable "image_uris" {
  description = "ECR image URIs that replace the scikit-learn image per job kind (processing, training, inference)."
  type = object({
    processing = optional(string)
    training   = optional(string)
    inference  = optional(string)
  })
  default = {}
}

variable "function_log_level" {
  description = "Log level of the Lambda handlers."
  type        = string
  default     = "INFO"
}

variable "log_retention_days" {
  description = "Retention of the functions', API's and workflow's log groups, in days."
  type        = number
  default     = 365
}

variable "run_artifacts_expiration_days" {
  description = "Days after which the per-run outputs (runs/ in the artifacts bucket) expire; registered models keep their own copy in the model package."
  type        = number
  default     = 365
}

variable "access_log_expiration_days" {
  description = "Days after which S3 server access logs expire."
  type        = number
  default     = 365
}

variable "kms_deletion_window_in_days" {
  description = "Waiting period before the key is destroyed after `terraform destroy`."
  type        = number
  default     = 30
}

variable "force_destroy_buckets" {
  description = "Let `terraform destroy` delete buckets that still hold objects (dev and local only)."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the DynamoDB tables from deletion."
  type        = bool
  default     = true
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for every role the stack creates (null for none)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags added to every resource that takes tags."
  type        = map(string)
  default     = {}
}
