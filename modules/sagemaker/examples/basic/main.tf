provider "aws" {
  region = "eu-west-1"
}

# Execution role, feature group and model package group, with a custom inference image.
module "sagemaker" {
  source = "../.."

  name_prefix           = "credit-risk-example"
  raw_bucket_arn        = "arn:aws:s3:::credit-risk-example-raw"
  artifacts_bucket_name = "credit-risk-example-artifacts"
  artifacts_bucket_arn  = "arn:aws:s3:::credit-risk-example-artifacts"
  kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  image_uris            = { inference = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/credit-risk-inference:1.0" }
}

output "feature_group_name" {
  description = "Name of the feature group."
  value       = module.sagemaker.feature_group_name
}
