provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "credit-risk-mlops"
      Environment = "dev"
      ManagedBy   = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  # The boundary terraform/bootstrap creates for this environment (<name_prefix>-permissions-boundary):
  # the deploy role may only create roles that carry it.
  permissions_boundary_arn = coalesce(
    var.permissions_boundary_arn,
    "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:policy/${var.name_prefix}-permissions-boundary",
  )
}

module "stack" {
  source = "../../modules/stack"

  name_prefix              = var.name_prefix
  definition_template_path = var.definition_template_path
  lambda_package_dir       = var.lambda_package_dir
  code_version             = var.code_version
  lambda_runtime           = var.lambda_runtime
  powertools_layer_arn     = "arn:aws:lambda:${var.region}:017000801446:layer:AWSLambdaPowertoolsPythonV3-${replace(var.lambda_runtime, ".", "")}-x86_64:${var.powertools_layer_version}"
  notification_emails      = var.notification_emails
  data_route_authorization = var.data_route_authorization
  endpoint                 = var.endpoint
  jobs                     = var.jobs
  approval_timeout_seconds = var.approval_timeout_seconds
  quality_gate_min_roc_auc = var.quality_gate_min_roc_auc
  log_retention_days       = var.log_retention_days
  force_destroy_buckets    = var.force_destroy_buckets
  deletion_protection      = var.deletion_protection
  permissions_boundary_arn = local.permissions_boundary_arn
}
