variable "endpoint_url" {
  description = "URL of the local AWS emulator (python -m local_stack.emulator --port P)."
  type        = string
  default     = "http://127.0.0.1:4566"

  validation {
    condition     = can(regex("^https?://[^/\\s]+$", var.endpoint_url))
    error_message = "endpoint_url must be http(s)://host:port without a path."
  }
}

variable "service_endpoints" {
  description = "Per-service endpoint URLs that replace endpoint_url (keys: apigatewayv2, cloudwatchlogs, dynamodb, events, iam, kms, lambda, s3, sagemaker, sfn, sns, sqs, sts)."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue([
      for service, url in var.service_endpoints :
      contains(["apigatewayv2", "cloudwatchlogs", "dynamodb", "events", "iam", "kms", "lambda", "s3", "sagemaker", "sfn", "sns", "sqs", "sts"], service) &&
      can(regex("^https?://[^/\\s]+$", url))
    ])
    error_message = "service_endpoints keys must be service names this root configures, and values http(s)://host:port URLs."
  }
}

variable "api_base_url" {
  description = "URL of the local API gateway (mlops local up passes it), so that the emails' links work locally; null: the URL the emulator reports, which serves nothing."
  type        = string
  default     = null
}

variable "raw_prefix" {
  description = "Key prefix in the raw bucket of the files that start the workflow."
  type        = string
  default     = "incoming/"
}

variable "region" {
  description = "Region the emulator reports."
  type        = string
  default     = "eu-west-1"
}

variable "name_prefix" {
  description = "Prefix of every name of the local deployment."
  type        = string
  default     = "credit-risk-local"
}

variable "definition_template_path" {
  description = "Path of the workflow template (the repository's statemachine.asl.json)."
  type        = string
  default     = "../../statemachine.asl.json"
}

variable "lambda_package_dir" {
  description = "Directory of the function zips (`make build`)."
  type        = string
  default     = "../../build/lambdas"
}

variable "code_version" {
  description = "Version of the job code under s3://<artifacts>/code/<version>/."
  type        = string
  default     = "local"
}

variable "notification_emails" {
  description = "Addresses subscribed to the topic (the emulator delivers nothing; the local stack shows the messages)."
  type        = list(string)
  default     = ["reviewer@example.com"]
}

variable "approval_timeout_seconds" {
  description = "How long the workflow waits for the reviewer."
  type        = number
  default     = 3600
}

variable "quality_gate_min_roc_auc" {
  description = "Holdout ROC AUC below which a model is rejected without review."
  type        = number
  default     = 0.6
}

variable "jobs" {
  description = "Job instance types and volume size (both ignored by the local job runner), run-time limits (seconds) and RandomForest hyperparameters."
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
