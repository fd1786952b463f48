data "aws_caller_identity" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id

  # Built once here so that the functions (which resume the workflow) and the workflow (which
  # invokes the functions) need not reference each other.
  state_machine_name = "${var.name_prefix}-workflow"
  endpoint_name      = "${var.name_prefix}-credit-risk"

  bucket_names = {
    raw         = "${var.name_prefix}-${local.account_id}-raw"
    artifacts   = "${var.name_prefix}-${local.account_id}-artifacts"
    access_logs = "${var.name_prefix}-${local.account_id}-access-logs"
  }
}

module "encryption" {
  source = "../encryption"

  name_prefix             = var.name_prefix
  deletion_window_in_days = var.kms_deletion_window_in_days
  tags                    = var.tags
}

module "access_logs_bucket" {
  source = "../storage"

  bucket_name        = local.bucket_names.access_logs
  kms_key_arn        = null # S3 server access log destinations only support SSE-S3.
  accept_access_logs = true
  force_destroy      = var.force_destroy_buckets
  lifecycle_rules    = { expire_prefixes = { "s3/" = var.access_log_expiration_days } }
  tags               = var.tags
}

module "raw_bucket" {
  source = "../storage"

  bucket_name               = local.bucket_names.raw
  kms_key_arn               = module.encryption.key_arn
  eventbridge_notifications = true
  access_logging            = { bucket_name = module.access_logs_bucket.bucket_name }
  force_destroy             = var.force_destroy_buckets
  tags                      = var.tags
}

module "artifacts_bucket" {
  source = "../storage"

  bucket_name     = local.bucket_names.artifacts
  kms_key_arn     = module.encryption.key_arn
  access_logging  = { bucket_name = module.access_logs_bucket.bucket_name }
  force_destroy   = var.force_destroy_buckets
  lifecycle_rules = { expire_prefixes = { "runs/" = var.run_artifacts_expiration_days } }
  tags            = var.tags
}

module "state" {
  source = "../state"

  name_prefix         = var.name_prefix
  kms_key_arn         = module.encryption.key_arn
  deletion_protection = var.deletion_protection
  tags                = var.tags
}

module "notifications" {
  source = "../notifications"

  name_prefix     = var.name_prefix
  kms_key_arn     = module.encryption.key_arn
  email_addresses = var.notification_emails
  tags            = var.tags
}

module "sagemaker" {
  source = "../sagemaker"

  name_prefix              = var.name_prefix
  raw_bucket_arn           = module.raw_bucket.bucket_arn
  raw_prefix               = var.raw_prefix
  artifacts_bucket_name    = module.artifacts_bucket.bucket_name
  artifacts_bucket_arn     = module.artifacts_bucket.bucket_arn
  kms_key_arn              = module.encryption.key_arn
  sklearn_image_tag        = var.sklearn_image_tag
  image_uris               = var.image_uris
  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = var.tags
}

module "functions" {
  source = "../functions"

  name_prefix              = var.name_prefix
  package_dir              = var.lambda_package_dir
  runtime                  = var.lambda_runtime
  powertools_layer_arn     = var.powertools_layer_arn
  log_level                = var.function_log_level
  log_retention_days       = var.log_retention_days
  kms_key_arn              = module.encryption.key_arn
  feature_group_name       = module.sagemaker.feature_group_name
  endpoint_name            = local.endpoint_name
  state_machine_name       = local.state_machine_name
  approvals_table_name     = module.state.approvals_table_name
  approvals_table_arn      = module.state.approvals_table_arn
  idempotency_table_name   = module.state.idempotency_table_name
  idempotency_table_arn    = module.state.idempotency_table_arn
  topic_arn                = module.notifications.topic_arn
  artifacts_bucket_name    = module.artifacts_bucket.bucket_name
  artifacts_bucket_arn     = module.artifacts_bucket.bucket_arn
  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = var.tags
}

module "api" {
  source = "../api"

  name_prefix = var.name_prefix
  functions = {
    for name in ["features_api", "predictions_api", "approvals_api"] : name => {
      name       = module.functions.function_names[name]
      invoke_arn = module.functions.function_invoke_arns[name]
    }
  }
  data_route_authorization = var.data_route_authorization
  throttling               = var.api_throttling
  log_retention_days       = var.log_retention_days
  kms_key_arn              = module.encryption.key_arn
  tags                     = var.tags
}

module "workflow" {
  source = "../workflow"

  name                     = local.state_machine_name
  definition_template_path = var.definition_template_path
  claims_table             = { name = module.state.claims_table_name, arn = module.state.claims_table_arn }
  artifacts_bucket         = { name = module.artifacts_bucket.bucket_name, arn = module.artifacts_bucket.bucket_arn }
  code_version             = var.code_version
  sagemaker = {
    role_arn                 = module.sagemaker.execution_role_arn
    feature_group_name       = module.sagemaker.feature_group_name
    model_package_group_name = module.sagemaker.model_package_group_name
    processing_image_uri     = module.sagemaker.image_uris.processing
    training_image_uri       = module.sagemaker.image_uris.training
    inference_image_uri      = module.sagemaker.image_uris.inference
  }
  functions = {
    approval_request_arn = module.functions.function_arns.approval_request
    notify_arn           = module.functions.function_arns.notify
  }
  api_base_url             = coalesce(var.api_base_url, module.api.api_endpoint)
  endpoint                 = merge(var.endpoint, { name = local.endpoint_name })
  jobs                     = var.jobs
  approval_timeout_seconds = var.approval_timeout_seconds
  quality_gate_min_roc_auc = var.quality_gate_min_roc_auc
  log_retention_days       = var.log_retention_days
  kms_key_arn              = module.encryption.key_arn
  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = var.tags
}

module "events" {
  source = "../events"

  name_prefix              = var.name_prefix
  bucket_name              = module.raw_bucket.bucket_name
  key_prefix               = var.raw_prefix
  key_suffix               = var.raw_suffix
  state_machine_arn        = module.workflow.state_machine_arn
  permissions_boundary_arn = var.permissions_boundary_arn
  tags                     = var.tags
}
