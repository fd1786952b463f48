provider "aws" {
  region = "eu-west-1"
}

# The five functions, from the zips `make build` writes (here the test fixtures stand in).
module "functions" {
  source = "../.."

  name_prefix            = "credit-risk-example"
  package_dir            = "${path.module}/../../tests/fixtures"
  powertools_layer_arn   = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python311-x86_64:27"
  kms_key_arn            = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  feature_group_name     = "credit-risk-example-loans"
  endpoint_name          = "credit-risk-example-credit-risk"
  state_machine_name     = "credit-risk-example-workflow"
  approvals_table_name   = "credit-risk-example-approvals"
  approvals_table_arn    = "arn:aws:dynamodb:eu-west-1:123456789012:table/credit-risk-example-approvals"
  idempotency_table_name = "credit-risk-example-idempotency"
  idempotency_table_arn  = "arn:aws:dynamodb:eu-west-1:123456789012:table/credit-risk-example-idempotency"
  topic_arn              = "arn:aws:sns:eu-west-1:123456789012:credit-risk-example-notifications"
  artifacts_bucket_name  = "credit-risk-example-artifacts"
  artifacts_bucket_arn   = "arn:aws:s3:::credit-risk-example-artifacts"
}

output "function_arns" {
  description = "ARN per function."
  value       = module.functions.function_arns
}
