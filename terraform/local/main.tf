locals {
  services = [
    "apigatewayv2", "cloudwatchlogs", "dynamodb", "events", "iam", "kms", "lambda", "s3",
    "sagemaker", "sfn", "sns", "sqs", "sts",
  ]
  endpoints = { for service in local.services : service => lookup(var.service_endpoints, service, var.endpoint_url) }
}

# Everything goes to the local AWS emulator (python -m local_stack.emulator) unless a service has
# its own endpoint (the local workflow executor serves the Step Functions API, for example).
# Credentials come from the environment (any value: AWS_ACCESS_KEY_ID=local ...).
provider "aws" {
  region                      = var.region
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  skip_region_validation      = true
  s3_use_path_style           = true

  endpoints {
    apigatewayv2   = local.endpoints.apigatewayv2
    cloudwatchlogs = local.endpoints.cloudwatchlogs
    dynamodb       = local.endpoints.dynamodb
    events         = local.endpoints.events
    iam            = local.endpoints.iam
    kms            = local.endpoints.kms
    lambda         = local.endpoints.lambda
    s3             = local.endpoints.s3
    sagemaker      = local.endpoints.sagemaker
    sfn            = local.endpoints.sfn
    sns            = local.endpoints.sns
    sqs            = local.endpoints.sqs
    sts            = local.endpoints.sts
  }
}

module "stack" {
  source = "../../modules/stack"

  name_prefix                 = var.name_prefix
  definition_template_path    = var.definition_template_path
  lambda_package_dir          = var.lambda_package_dir
  code_version                = var.code_version
  powertools_layer_arn        = null # the local Lambda runner imports Powertools from the environment
  notification_emails         = var.notification_emails
  api_base_url                = var.api_base_url
  raw_prefix                  = var.raw_prefix
  approval_timeout_seconds    = var.approval_timeout_seconds
  quality_gate_min_roc_auc    = var.quality_gate_min_roc_auc
  endpoint                    = { poll_seconds = 5, max_polls = 120 }
  jobs                        = var.jobs
  kms_deletion_window_in_days = 7
  force_destroy_buckets       = true
  deletion_protection         = false
}
