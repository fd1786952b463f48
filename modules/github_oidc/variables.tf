variable "github_repository" {
  description = "The repository whose workflows may assume the roles, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$", var.github_repository))
    error_message = "github_repository must be owner/name."
  }
}

variable "environments" {
  description = "GitHub environments that deploy (key = environment name, for example dev and prod), each with the name_prefix of the stack it manages. Apply jobs must run in that environment."
  type = map(object({
    name_prefix = string
  }))

  validation {
    condition     = length(var.environments) > 0 && alltrue([for name in keys(var.environments) : can(regex("^[A-Za-z0-9_-]{1,32}$", name))])
    error_message = "environments must name at least one environment of 1-32 letters, digits, - and _."
  }

  validation {
    condition     = alltrue([for settings in values(var.environments) : can(regex("^[a-z][a-z0-9-]{2,31}$", settings.name_prefix))])
    error_message = "Each environment's name_prefix must be 3-32 lower case letters, digits and hyphens, starting with a letter."
  }
}

variable "role_name_prefix" {
  description = "Prefix of the plan and deploy role names (<prefix>-plan, <prefix>-deploy-<environment>)."
  type        = string
  default     = "github-credit-risk"

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,40}$", var.role_name_prefix))
    error_message = "role_name_prefix must be 1-40 characters valid in IAM role names."
  }
}

variable "state_bucket_name" {
  description = "Bucket of the Terraform state (state keys are <environment>/...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.state_bucket_name))
    error_message = "state_bucket_name must be a valid S3 bucket name."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false when the account already has one: pass oidc_provider_arn)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing GitHub OIDC provider, used when create_oidc_provider is false."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be the ARN of the token.actions.githubusercontent.com OIDC provider."
  }

  validation {
    condition     = var.create_oidc_provider || var.oidc_provider_arn != null
    error_message = "oidc_provider_arn is required when create_oidc_provider is false."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary attached to the plan and deploy roles (null for none)."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN."
  }
}

variable "tags" {
  description = "Tags added to the provider, roles and policies."
  type        = map(string)
  default     = {}
}
