provider "aws" {
  region = "eu-west-1"
}

# The HTTP API with JWT authentication on the data routes.
module "api" {
  source = "../.."

  name_prefix = "credit-risk-example"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  functions = {
    for name in ["features_api", "predictions_api", "approvals_api"] : name => {
      name       = "credit-risk-example-${replace(name, "_", "-")}"
      invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-example-${replace(name, "_", "-")}/invocations"
    }
  }
  data_route_authorization = {
    type = "JWT"
    jwt = {
      issuer   = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE"
      audience = ["credit-risk-api"]
    }
  }
  throttling = { rate_limit = 20, burst_limit = 40 }
}

output "api_endpoint" {
  description = "Base URL of the API."
  value       = module.api.api_endpoint
}
