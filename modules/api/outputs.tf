output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Base URL of the API (no trailing slash): the workflow's api_base_url."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "api_execution_arn" {
  description = "Execution ARN of the API (callers of the IAM-authenticated routes need execute-api:Invoke on <arn>/*/GET/features/* and /predictions/*)."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "api_route_keys" {
  description = "Route keys mapped to the function package each one invokes."
  value       = { for key, route in local.routes : key => route.function }
}

output "api_access_log_group_name" {
  description = "Name of the access log group."
  value       = aws_cloudwatch_log_group.access.name
}

output "api_integration_uris" {
  description = "Lambda invoke ARN each function package's integration proxies to."
  value       = { for name, integration in aws_apigatewayv2_integration.this : name => integration.integration_uri }
}
