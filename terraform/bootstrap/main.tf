provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "credit-risk-mlops"
      Component = "bootstrap"
      ManagedBy = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

module "state_key" {
  source = "../../modules/encryption"

  name_prefix = "${var.name_prefix}-tfstate"
}

# Terraform state of every environment (keys <environment>/terraform.tfstate), locked with S3
# native locking (use_lockfile): no DynamoDB lock table.
module "state_bucket" {
  source = "../../modules/storage"

  bucket_name     = "${var.name_prefix}-tfstate-${data.aws_caller_identity.current.account_id}"
  kms_key_arn     = module.state_key.key_arn
  lifecycle_rules = { noncurrent_version_expiration_days = 365 }
}

module "github_oidc" {
  source = "../../modules/github_oidc"

  github_repository    = var.github_repository
  environments         = var.environments
  role_name_prefix     = "${var.name_prefix}-github"
  state_bucket_name    = module.state_bucket.bucket_name
  create_oidc_provider = var.create_oidc_provider
  oidc_provider_arn    = var.oidc_provider_arn
}
