provider "aws" {
  region = "eu-west-1"
}

# The whole pipeline with its defaults (serverless endpoint, IAM-authenticated data routes).
# A deployment passes the repository statemachine.asl.json and build/lambdas; the example uses
# the test fixtures of the workflow and functions modules.
module "stack" {
  source = "../.."

  name_prefix              = "credit-risk-example"
  definition_template_path = "${path.module}/../../../workflow/tests/fixtures/statemachine.asl.json"
  lambda_package_dir       = "${path.module}/../../../functions/tests/fixtures"
  code_version             = "v1"
  powertools_layer_arn     = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python311-x86_64:27"
  notification_emails      = ["reviewer@example.com"]
}

output "api_endpoint" {
  description = "Base URL of the API."
  value       = module.stack.api_endpoint
}
