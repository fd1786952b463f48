variable "name_prefix" {
  description = "Prefix of the API and log group names."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,31}$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "functions" {
  description = "The API's functions by package name (features_api, predictions_api, approvals_api): function name and invoke ARN."
  type = map(object({
    name       = string
    invoke_arn = string
  }))

  validation {
    condition     = length(setsubtract(toset(["features_api", "predictions_api", "approvals_api"]), toset(keys(var.functions)))) == 0
    error_message = "functions must hold features_api, predictions_api and approvals_api."
  }
}

variable "data_route_authorization" {
  description = "Authentication of the data routes (/features, /predictions): AWS_IAM (SigV4 callers with execute-api:Invoke) or JWT (issuer, audience and optional scopes)."
  type = object({
    type = string
    jwt = optional(object({
      issuer   = string
      audience = list(string)
      scopes   = optional(list(string), [])
    }))
  })
  default = { type = "AWS_IAM" }

  validation {
    condition     = contains(["AWS_IAM", "JWT"], var.data_route_authorization.type)
    error_message = "data_route_authorization.type must be AWS_IAM or JWT."
  }

  validation {
    condition = var.data_route_authorization.type != "JWT" || (
      var.data_route_authorization.jwt != null &&
      startswith(try(var.data_route_authorization.jwt.issuer, ""), "https://") &&
      length(try(var.data_route_authorization.jwt.audience, [])) > 0
    )
    error_message = "JWT authorization needs jwt.issuer (an https:// URL) and at least one jwt.audience."
  }
}

variable "throttling" {
  description = "Default route throttling: steady-state requests per second and burst."
  type = object({
    rate_limit  = optional(number, 50)
    burst_limit = optional(number, 100)
  })
  default = {}

  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.burst_limit >= 1 && var.throttling.burst_limit == floor(var.throttling.burst_limit)
    error_message = "throttling.rate_limit must be positive and throttling.burst_limit a whole number of at least 1."
  }
}

variable "integration_timeout_ms" {
  description = "Timeout of the Lambda integrations in milliseconds (HTTP APIs allow 50-30000)."
  type        = number
  default     = 29000

  validation {
    condition     = var.integration_timeout_ms >= 50 && var.integration_timeout_ms <= 30000
    error_message = "integration_timeout_ms must be between 50 and 30000."
  }
}

variable "log_retention_days" {
  description = "Retention of the access log group, in days (a value CloudWatch Logs accepts)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ... 3653)."
  }
}

variable "kms_key_arn" {
  description = "ARN of the customer managed KMS key of the access log group."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[A-Za-z0-9-]+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)."
  }
}

variable "tags" {
  description = "Tags added to the API, stage and log group."
  type        = map(string)
  default     = {}
}
