output "state_bucket_name" {
  description = "Bucket for the environments' backend.hcl (bucket = ...)."
  value       = module.state_bucket.bucket_name
}

output "plan_role_arn" {
  description = "Repository variable AWS_PLAN_ROLE_ARN."
  value       = module.github_oidc.plan_role_arn
}

output "deploy_role_arns" {
  description = "Environment variable AWS_DEPLOY_ROLE_ARN of each GitHub environment."
  value       = module.github_oidc.deploy_role_arns
}

output "permissions_boundary_arns" {
  description = "Permissions boundary of each environment's stack roles; terraform/<env> computes the same ARN (permissions_boundary_arn)."
  value       = module.github_oidc.permissions_boundary_arns
}
