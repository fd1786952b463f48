variable "region" {
  description = "AWS region of the state bucket and of the deployments."
  type        = string
  default     = "eu-west-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as eu-west-1."
  }
}

variable "name_prefix" {
  description = "Prefix of the state bucket, its key and the GitHub roles."
  type        = string
  default     = "credit-risk"
}

variable "github_repository" {
  description = "owner/name of the repository whose GitHub Actions deploy."
  type        = string
}

variable "environments" {
  description = "GitHub environments that deploy, with the name_prefix of the stack each manages (must match terraform/<env>/terraform.tfvars)."
  type = map(object({
    name_prefix = string
  }))
  default = {
    dev  = { name_prefix = "credit-risk-dev" }
    prod = { name_prefix = "credit-risk-prod" }
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub OIDC provider (false if it exists: set oidc_provider_arn)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of the existing GitHub OIDC provider when create_oidc_provider is false."
  type        = string
  default     = null
}
