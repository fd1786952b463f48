data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id   = data.aws_caller_identity.current.account_id
  partition    = data.aws_partition.current.partition
  region       = data.aws_region.current.name
  sagemaker    = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}"
  endpoint_arn = "${local.sagemaker}:endpoint/${lower(var.endpoint.name)}"

  # docs/design/interfaces.md section 4: every placeholder of statemachine.asl.json, as strings
  # (the template turns the numeric ones into numbers itself).
  placeholders = {
    aws_region                     = local.region
    claims_table_name              = var.claims_table.name
    artifacts_bucket               = var.artifacts_bucket.name
    code_s3_prefix                 = "s3://${var.artifacts_bucket.name}/code/${var.code_version}"
    sagemaker_role_arn             = var.sagemaker.role_arn
    processing_image_uri           = var.sagemaker.processing_image_uri
    training_image_uri             = var.sagemaker.training_image_uri
    inference_image_uri            = var.sagemaker.inference_image_uri
    processing_instance_type       = var.jobs.processing_instance_type
    training_instance_type         = var.jobs.training_instance_type
    feature_group_name             = var.sagemaker.feature_group_name
    model_package_group_name       = var.sagemaker.model_package_group_name
    endpoint_name                  = var.endpoint.name
    endpoint_mode                  = var.endpoint.mode
    endpoint_instance_type         = var.endpoint.instance_type
    serverless_memory_mb           = tostring(var.endpoint.serverless_memory_mb)
    serverless_max_concurrency     = tostring(var.endpoint.serverless_max_concurrency)
    approval_function_arn          = var.functions.approval_request_arn
    notify_function_arn            = var.functions.notify_arn
    approval_timeout_seconds       = tostring(var.approval_timeout_seconds)
    quality_gate_min_roc_auc       = tostring(var.quality_gate_min_roc_auc)
    api_base_url                   = var.api_base_url
    endpoint_poll_seconds          = tostring(var.endpoint.poll_seconds)
    endpoint_max_polls             = tostring(var.endpoint.max_polls)
    rf_n_estimators                = tostring(var.jobs.rf_n_estimators)
    rf_max_depth                   = tostring(var.jobs.rf_max_depth)
    rf_min_samples_leaf            = tostring(var.jobs.rf_min_samples_leaf)
    rf_max_samples                 = tostring(var.jobs.rf_max_samples)
    processing_max_runtime_seconds = tostring(var.jobs.processing_max_runtime_seconds)
    training_max_runtime_seconds   = tostring(var.jobs.training_max_runtime_seconds)
    job_volume_size_gb             = tostring(var.jobs.volume_size_gb)
  }

  definition = templatefile(var.definition_template_path, local.placeholders)
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/vendedlogs/states/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_sfn_state_machine" "this" {
  #checkov:skip=CKV_AWS_285:Execution history is logged (level ALL) without execution data, which would write the approval task token into the logs (ARCHITECTURE.md 3.6).
  name       = var.name
  type       = "STANDARD"
  role_arn   = aws_iam_role.this.arn
  definition = local.definition

  logging_configuration {
    log_destination = "${aws_cloudwatch_log_group.this.arn}:*"
    level           = var.log_level
    # Execution data would put the task token given to the approval function into the logs
    # (ARCHITECTURE.md 3.6): never include it.
    include_execution_data = false
  }

  tracing_configuration {
    enabled = true
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.this]
}
