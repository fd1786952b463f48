variable "region" {
  description = "AWS region of the deployment."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as eu-west-1."
  }
}

variable "name_prefix" {
  description = "Prefix of every name of this environment (set in terraform.tfvars)."
  type        = string
}

variable "definition_template_path" {
  description = "Path of the workflow template, relative to this directory."
  type        = string
  default     = "../../statemachine.asl.json"
}

variable "lambda_package_dir" {
  description = "Directory of the function zips (`make build`), relative to this directory."
  type        = string
  default     = "../../build/lambdas"
}

variable "code_version" {
  description = "Version of the job code under s3://<artifacts>/code/<version>/; CI passes the commit SHA it uploaded."
  type        = string
}

variable "lambda_runtime" {
  description = "Python runtime of the functions (the Powertools layer is chosen to match)."
  type        = string
  default     = "python3.11"
}

variable "powertools_layer_version" {
  description = "Version of the AWS-managed layer AWSLambdaPowertoolsPythonV3-<runtime>-x86_64."
  type        = number
  default     = 27

  validation {
    condition     = var.powertools_layer_version >= 1 && var.powertools_layer_version == floor(var.powertools_layer_version)
    error_message = "powertools_layer_version must be a whole number of at least 1."
  }
}

variable "notification_emails" {
  description = "Reviewers and recipients of the pipeline's emails (CI: TF_VAR_notification_emails)."
  type        = list(string)
  default     = []
}

variable "data_route_authorization" {
  description = "Authentication of /features and /predictions: AWS_IAM or JWT (issuer, audience, scopes)."
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

variable "endpoint" {
  description = "Model endpoint: serverless (default) or instance, with its sizes."
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
  description = "Job instance types, run-time limits (seconds), volume size (GB) and RandomForest hyperparameters."
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
  description = "How long the workflow waits for the reviewer."
  type        = number
  default     = 86400
}

variable "quality_gate_min_roc_auc" {
  description = "Holdout ROC AUC below which a model is rejected without review."
  type        = number
  default     = 0.6
}

variable "log_retention_days" {
  description = "Retention of the log groups, in days."
  type        = number
  default     = 365
}

variable "force_destroy_buckets" {
  description = "Let `terraform destroy` delete non-empty buckets."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the DynamoDB tables from deletion."
  type        = bool
  default     = true
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary for every role the stack creates (null: the <name_prefix>-permissions-boundary policy terraform/bootstrap creates)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}
