provider "aws" {
  region = "eu-west-1"
}

# Plan and deploy roles for a repository, in an account that already has the GitHub OIDC provider.
module "github_oidc" {
  source = "../.."

  github_repository    = "lender/credit-risk-mlops"
  state_bucket_name    = "credit-risk-tfstate-123456789012"
  environments         = { prod = { name_prefix = "credit-risk-prod" } }
  create_oidc_provider = false
  oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
}

output "deploy_role_arns" {
  description = "Deploy role per environment."
  value       = module.github_oidc.deploy_role_arns
}
