mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix = "credit-risk-test"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  functions = {
    features_api    = { name = "credit-risk-test-features-api", invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-features-api/invocations" }
    predictions_api = { name = "credit-risk-test-predictions-api", invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-predictions-api/invocations" }
    approvals_api   = { name = "credit-risk-test-approvals-api", invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-approvals-api/invocations" }
  }
}

run "routes_go_to_the_right_functions_with_iam_on_data_routes" {
  command = apply

  assert {
    condition = {
      for key, route in aws_apigatewayv2_route.this : key => [route.target, route.authorization_type]
      } == {
      "GET /features/{id}"      = ["integrations/${aws_apigatewayv2_integration.this["features_api"].id}", "AWS_IAM"]
      "GET /predictions/{id}"   = ["integrations/${aws_apigatewayv2_integration.this["predictions_api"].id}", "AWS_IAM"]
      "GET /approvals/{token}"  = ["integrations/${aws_apigatewayv2_integration.this["approvals_api"].id}", "NONE"]
      "POST /approvals/{token}" = ["integrations/${aws_apigatewayv2_integration.this["approvals_api"].id}", "NONE"]
    }
    error_message = "The four routes of ARCHITECTURE.md section 1 must reach their functions; data routes need IAM, approval routes the capability link."
  }

  assert {
    condition = alltrue([
      for name, integration in aws_apigatewayv2_integration.this :
      integration.integration_uri == var.functions[name].invoke_arn && integration.payload_format_version == "2.0"
    ])
    error_message = "Each integration proxies to its function with payload 2.0."
  }

  assert {
    condition     = aws_lambda_permission.this["GET /features/{id}"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:mockapi/*/GET/features/*" && aws_lambda_permission.this["POST /approvals/{token}"].function_name == "credit-risk-test-approvals-api"
    error_message = "API Gateway may invoke each function for its route only."
  }

  assert {
    condition     = one(aws_apigatewayv2_stage.this.default_route_settings).throttling_rate_limit == 50 && one(aws_apigatewayv2_stage.this.default_route_settings).throttling_burst_limit == 100
    error_message = "The default stage must be throttled."
  }

  assert {
    condition     = one(aws_apigatewayv2_stage.this.access_log_settings).destination_arn == aws_cloudwatch_log_group.access.arn && can(jsondecode(one(aws_apigatewayv2_stage.this.access_log_settings).format).routeKey)
    error_message = "Access logs must go, as JSON, to the encrypted log group."
  }

  assert {
    condition     = length(aws_apigatewayv2_authorizer.jwt) == 0
    error_message = "No JWT authorizer with IAM authorization."
  }
}

run "jwt_authorizer_protects_the_data_routes" {
  command = apply

  variables {
    data_route_authorization = {
      type = "JWT"
      jwt  = { issuer = "https://issuer.example.com", audience = ["credit-risk"], scopes = ["predictions:read"] }
    }
  }

  assert {
    condition = (
      aws_apigatewayv2_route.this["GET /predictions/{id}"].authorization_type == "JWT" &&
      aws_apigatewayv2_route.this["GET /predictions/{id}"].authorizer_id == aws_apigatewayv2_authorizer.jwt[0].id &&
      aws_apigatewayv2_route.this["GET /predictions/{id}"].authorization_scopes == toset(["predictions:read"])
    )
    error_message = "Data routes must use the JWT authorizer and its scopes."
  }

  assert {
    condition     = aws_apigatewayv2_route.this["POST /approvals/{token}"].authorization_type == "NONE" && aws_apigatewayv2_route.this["POST /approvals/{token}"].authorizer_id == null
    error_message = "Approval routes stay public (capability link)."
  }

  assert {
    condition     = one(aws_apigatewayv2_authorizer.jwt[0].jwt_configuration).issuer == "https://issuer.example.com"
    error_message = "The authorizer must trust the configured issuer."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name_prefix              = "API"
    functions                = { features_api = { name = "f", invoke_arn = "x" } }
    data_route_authorization = { type = "COGNITO" }
    throttling               = { rate_limit = 0 }
    integration_timeout_ms   = 60000
    log_retention_days       = 2
    kms_key_arn              = "k"
  }

  expect_failures = [
    var.name_prefix, var.functions, var.data_route_authorization, var.throttling, var.integration_timeout_ms,
    var.log_retention_days, var.kms_key_arn,
  ]
}

run "rejects_jwt_without_issuer_and_audience" {
  command = plan

  variables {
    data_route_authorization = { type = "JWT" }
  }

  expect_failures = [var.data_route_authorization]
}
