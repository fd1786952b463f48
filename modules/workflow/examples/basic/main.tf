provider "aws" {
  region = "eu-west-1"
}

# The workflow rendered from a template (a deployment passes the repository statemachine.asl.json;
# this example uses the test fixture, which holds every placeholder).
module "workflow" {
  source = "../.."

  name                     = "credit-risk-example-workflow"
  definition_template_path = "${path.module}/../../tests/fixtures/statemachine.asl.json"
  claims_table             = { name = "credit-risk-example-claims", arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/credit-risk-example-claims" }
  artifacts_bucket         = { name = "credit-risk-example-artifacts", arn = "arn:aws:s3:::credit-risk-example-artifacts" }
  code_version             = "v1"
  sagemaker = {
    role_arn                 = "arn:aws:iam::123456789012:role/credit-risk-example-sagemaker"
    feature_group_name       = "credit-risk-example-loans"
    model_package_group_name = "credit-risk-example-credit-risk"
    processing_image_uri     = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    training_image_uri       = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    inference_image_uri      = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  }
  functions = {
    approval_request_arn = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-example-approval-request"
    notify_arn           = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-example-notify"
  }
  api_base_url = "https://abc123.execute-api.eu-west-1.amazonaws.com"
  endpoint     = { name = "credit-risk-example-credit-risk", mode = "instance", instance_type = "ml.m5.large" }
  kms_key_arn  = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

output "state_machine_arn" {
  description = "ARN of the workflow."
  value       = module.workflow.state_machine_arn
}
