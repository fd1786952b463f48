data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# What every function needs: its own log group, X-Ray, and the key of its environment and data.
data "aws_iam_policy_document" "common" {
  for_each = local.functions

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this[each.key].arn}:*"]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }

  statement {
    sid       = "UseDataKey"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.kms_key_arn]
  }
}

locals {
  idempotency_statement = {
    sid       = "PowertoolsIdempotency"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [var.idempotency_table_arn]
  }
  read_features_statement = {
    sid       = "ReadOnlineStore"
    actions   = ["sagemaker:GetRecord"]
    resources = [local.feature_group_arn]
  }
  publish_statement = {
    sid       = "PublishEmails"
    actions   = ["sns:Publish"]
    resources = [var.topic_arn]
  }

  # What each function does beyond logging and tracing (docs/design/interfaces.md, section 7).
  function_statements = {
    features_api = [local.read_features_statement]
    predictions_api = [
      local.read_features_statement,
      { sid = "InvokeModelEndpoint", actions = ["sagemaker:InvokeEndpoint"], resources = [local.endpoint_arn] },
    ]
    approvals_api = [
      { sid = "DecideApprovals", actions = ["dynamodb:GetItem", "dynamodb:UpdateItem"], resources = [var.approvals_table_arn] },
      { sid = "ResumeWorkflow", actions = ["states:SendTaskSuccess", "states:SendTaskFailure"], resources = [local.state_machine_arn] },
      { sid = "ReadReviewMaterial", actions = ["s3:GetObject"], resources = ["${var.artifacts_bucket_arn}/runs/*/review/*"] },
    ]
    approval_request = [
      { sid = "StoreApprovals", actions = ["dynamodb:PutItem"], resources = [var.approvals_table_arn] },
      { sid = "ReadTrainingOutput", actions = ["s3:GetObject"], resources = ["${var.artifacts_bucket_arn}/runs/*/training/*"] },
      { sid = "WriteReviewMaterial", actions = ["s3:PutObject"], resources = ["${var.artifacts_bucket_arn}/runs/*/review/*"] },
      local.publish_statement,
      local.idempotency_statement,
    ]
    notify = [local.publish_statement, local.idempotency_statement]
  }
}

data "aws_iam_policy_document" "specific" {
  for_each = local.functions

  dynamic "statement" {
    for_each = local.function_statements[each.key]

    content {
      sid       = statement.value.sid
      actions   = statement.value.actions
      resources = statement.value.resources
    }
  }
}

data "aws_iam_policy_document" "this" {
  for_each = local.functions

  source_policy_documents = [
    data.aws_iam_policy_document.common[each.key].json,
    data.aws_iam_policy_document.specific[each.key].json,
  ]
}

resource "aws_iam_role" "this" {
  for_each = local.functions

  name                 = "${each.value.function_name}-fn"
  description          = "Least privilege of the ${each.key} function."
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  for_each = local.functions

  name   = "least-privilege"
  role   = aws_iam_role.this[each.key].id
  policy = data.aws_iam_policy_document.this[each.key].json
}
