locals {
  # ARCHITECTURE.md section 1: the data routes carry personal data and need authentication; the
  # approval routes are protected by the capability in the link (ARCHITECTURE.md 3.6).
  routes = {
    "GET /features/{id}"      = { function = "features_api", authenticated = true }
    "GET /predictions/{id}"   = { function = "predictions_api", authenticated = true }
    "GET /approvals/{token}"  = { function = "approvals_api", authenticated = false }
    "POST /approvals/{token}" = { function = "approvals_api", authenticated = false }
  }

  jwt = var.data_route_authorization.type == "JWT"
}

resource "aws_apigatewayv2_api" "this" {
  name          = "${var.name_prefix}-api"
  protocol_type = "HTTP"
  description   = "Credit-risk features, predictions and model approvals."
  tags          = var.tags
}

resource "aws_apigatewayv2_authorizer" "jwt" {
  count = local.jwt ? 1 : 0

  api_id           = aws_apigatewayv2_api.this.id
  authorizer_type  = "JWT"
  name             = "${var.name_prefix}-jwt"
  identity_sources = ["$request.header.Authorization"]

  jwt_configuration {
    issuer   = try(var.data_route_authorization.jwt.issuer, null)
    audience = try(var.data_route_authorization.jwt.audience, null)
  }
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.functions

  api_id                 = aws_apigatewayv2_api.this.id
  integration_type       = "AWS_PROXY"
  integration_uri        = each.value.invoke_arn
  payload_format_version = "2.0"
  timeout_milliseconds   = var.integration_timeout_ms
}

resource "aws_apigatewayv2_route" "this" {
  for_each = local.routes
  #checkov:skip=CKV_AWS_309:The data routes use var.data_route_authorization (AWS_IAM or JWT); the approval routes are public by design and protected by the unguessable, single-use, expiring token in the link.

  api_id             = aws_apigatewayv2_api.this.id
  route_key          = each.key
  target             = "integrations/${aws_apigatewayv2_integration.this[each.value.function].id}"
  authorization_type = each.value.authenticated ? var.data_route_authorization.type : "NONE"
  authorizer_id      = each.value.authenticated && local.jwt ? aws_apigatewayv2_authorizer.jwt[0].id : null
  authorization_scopes = (
    each.value.authenticated && local.jwt && length(try(var.data_route_authorization.jwt.scopes, [])) > 0
    ? var.data_route_authorization.jwt.scopes : null
  )
}

resource "aws_cloudwatch_log_group" "access" {
  name              = "/aws/apigateway/${var.name_prefix}-api"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_apigatewayv2_stage" "this" {
  api_id      = aws_apigatewayv2_api.this.id
  name        = "$default"
  auto_deploy = true

  default_route_settings {
    throttling_burst_limit = var.throttling.burst_limit
    throttling_rate_limit  = var.throttling.rate_limit
  }

  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId         = "$context.requestId"
      requestTime       = "$context.requestTime"
      httpMethod        = "$context.httpMethod"
      routeKey          = "$context.routeKey"
      status            = "$context.status"
      responseLatency   = "$context.responseLatency"
      integrationStatus = "$context.integrationStatus"
      integrationError  = "$context.integrationErrorMessage"
      sourceIp          = "$context.identity.sourceIp"
      userAgent         = "$context.identity.userAgent"
      principal         = "$context.identity.userArn"
      authorizerError   = "$context.authorizer.error"
    })
  }

  tags = var.tags
}

resource "aws_lambda_permission" "this" {
  for_each = local.routes

  statement_id  = "AllowApi-${replace(replace(replace(each.key, " ", "-"), "/[{}]/", ""), "/", "_")}"
  action        = "lambda:InvokeFunction"
  function_name = var.functions[each.value.function].name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.this.execution_arn}/*/${split(" ", each.key)[0]}${replace(split(" ", each.key)[1], "/\\{[^}]+\\}/", "*")}"
}
