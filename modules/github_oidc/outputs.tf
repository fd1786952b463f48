output "oidc_provider_arn" {
  description = "ARN of the GitHub OIDC provider the roles trust."
  value       = local.oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the role pull-request plans assume (repository variable AWS_PLAN_ROLE_ARN)."
  value       = aws_iam_role.plan.arn
}

output "deploy_role_arns" {
  description = "ARN of the apply role per GitHub environment (environment variable AWS_DEPLOY_ROLE_ARN)."
  value       = { for environment, role in aws_iam_role.deploy : environment => role.arn }
}

output "permissions_boundary_arns" {
  description = "ARN of the permissions boundary of each environment's stack roles (<name_prefix>-permissions-boundary): the stack's permissions_boundary_arn."
  value       = { for environment, policy in aws_iam_policy.boundary : environment => policy.arn }
}
