data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Built from the name so that the approvals function and the workflow need not reference each other.
  state_machine_arn = "arn:${local.partition}:states:${local.region}:${local.account_id}:stateMachine:${var.state_machine_name}"
  endpoint_arn      = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:endpoint/${lower(var.endpoint_name)}"
  feature_group_arn = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}:feature-group/${lower(var.feature_group_name)}"

  # The settings lambdas.shared.settings reads (docs/design/interfaces.md, section 7).
  environment = {
    features_api = {
      FEATURE_GROUP_NAME = var.feature_group_name
    }
    predictions_api = {
      FEATURE_GROUP_NAME = var.feature_group_name
      ENDPOINT_NAME      = var.endpoint_name
    }
    approvals_api = {
      APPROVALS_TABLE_NAME = var.approvals_table_name
    }
    approval_request = {
      APPROVALS_TABLE_NAME   = var.approvals_table_name
      ARTIFACTS_BUCKET       = var.artifacts_bucket_name
      NOTIFICATION_TOPIC_ARN = var.topic_arn
      IDEMPOTENCY_TABLE_NAME = var.idempotency_table_name
    }
    notify = {
      NOTIFICATION_TOPIC_ARN = var.topic_arn
      IDEMPOTENCY_TABLE_NAME = var.idempotency_table_name
    }
  }

  functions = {
    for name, settings in var.function_settings : name => merge(settings, {
      function_name = "${var.name_prefix}-${replace(name, "_", "-")}"
      filename      = "${var.package_dir}/${name}.zip"
      environment = merge(local.environment[name], {
        POWERTOOLS_SERVICE_NAME = name
        POWERTOOLS_LOG_LEVEL    = var.log_level
      })
    })
  }
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = local.functions

  name              = "/aws/lambda/${each.value.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_lambda_function" "this" {
  for_each = local.functions
  #checkov:skip=CKV_AWS_116:Invoked synchronously (API Gateway, Step Functions task); a DLQ only serves asynchronous invocations, and the workflow's Catch handles failures.
  #checkov:skip=CKV_AWS_117:The functions reach only AWS APIs; a VPC would need NAT or seven interface endpoints for no isolation gain.
  #checkov:skip=CKV_AWS_272:The zips are built and deployed by the same reviewed CI run; code signing needs a Signer profile the lender may add.

  function_name                  = each.value.function_name
  description                    = each.value.description
  role                           = aws_iam_role.this[each.key].arn
  runtime                        = var.runtime
  handler                        = "lambdas.${each.key}.handler.handler"
  filename                       = each.value.filename
  source_code_hash               = filebase64sha256(each.value.filename)
  memory_size                    = each.value.memory_mb
  timeout                        = each.value.timeout_seconds
  reserved_concurrent_executions = each.value.reserved_concurrency
  layers                         = var.powertools_layer_arn == null ? [] : [var.powertools_layer_arn]
  kms_key_arn                    = var.kms_key_arn

  environment {
    variables = each.value.environment
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this[each.key].name
  }

  tags = var.tags
}
