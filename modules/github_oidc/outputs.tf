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
