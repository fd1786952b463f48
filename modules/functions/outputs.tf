output "function_arns" {
  description = "ARN per function (features_api, predictions_api, approvals_api, approval_request, notify)."
  value       = { for name, function in aws_lambda_function.this : name => function.arn }
}

output "function_names" {
  description = "Name per function."
  value       = { for name, function in aws_lambda_function.this : name => function.function_name }
}

output "function_invoke_arns" {
  description = "Invoke ARN per function (for API Gateway integrations)."
  value       = { for name, function in aws_lambda_function.this : name => function.invoke_arn }
}

output "function_role_arns" {
  description = "Execution role ARN per function."
  value       = { for name, role in aws_iam_role.this : name => role.arn }
}

output "function_log_group_names" {
  description = "Log group name per function."
  value       = { for name, group in aws_cloudwatch_log_group.this : name => group.name }
}
