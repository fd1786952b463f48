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

data "aws_iam_policy_document" "idempotency" {
  statement {
    sid       = "PowertoolsIdempotency"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = [var.idempotency_table_arn]
  }
}

data "aws_iam_policy_document" "read_features" {
  statement {
    sid       = "ReadOnlineStore"
    actions   = ["sagemaker:GetRecord"]
    resources = [local.feature_group_arn]
  }
}

data "aws_iam_policy_document" "publish" {
  statement {
    sid       = "PublishEmails"
    actions   = ["sns:Publish"]
    resources = [var.topic_arn]
  }
}

data "aws_iam_policy_document" "specific" {
  for_each = local.functions

  source_policy_documents = compact([
    contains(["features_api", "predictions_api"], each.key) ? data.aws_iam_policy_document.read_features.json : "",
    contains(["approvals_api", "approval_request", "notify"], each.key) ? data.aws_iam_policy_document.idempotency.json : "",
    contains(["approval_request", "notify"], each.key) ? data.aws_iam_policy_document.publish.json : "",
  ])

  dynamic "statement" {
    for_each = each.key == "predictions_api" ? [1] : []

    content {
      sid       = "InvokeModelEndpoint"
      actions   = ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"]
      resources = [local.endpoint_arn]
    }
  }

  dynamic "statement" {
    for_each = each.key == "approvals_api" ? [1] : []

    content {
      sid       = "DecideApprovals"
      actions   = ["dynamodb:GetItem", "dynamodb:UpdateItem"]
      resources = [var.approvals_table_arn]
    }
  }

  dynamic "statement" {
    for_each = each.key == "approvals_api" ? [1] : []

    content {
      sid       = "ResumeWorkflow"
      actions   = ["states:SendTaskSuccess", "states:SendTaskFailure"]
      resources = [local.state_machine_arn]
    }
  }

  dynamic "statement" {
    for_each = each.key == "approvals_api" ? [1] : []

    content {
      sid       = "ReadReviewMaterial"
      actions   = ["s3:GetObject"]
      resources = ["${var.artifacts_bucket_arn}/runs/*/review/*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "approval_request" ? [1] : []

    content {
      sid       = "StoreApprovals"
      actions   = ["dynamodb:PutItem"]
      resources = [var.approvals_table_arn]
    }
  }

  dynamic "statement" {
    for_each = each.key == "approval_request" ? [1] : []

    content {
      sid       = "ReadTrainingOutput"
      actions   = ["s3:GetObject"]
      resources = ["${var.artifacts_bucket_arn}/runs/*/training/*"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "approval_request" ? [1] : []

    content {
      sid       = "WriteReviewMaterial"
      actions   = ["s3:PutObject"]
      resources = ["${var.artifacts_bucket_arn}/runs/*/review/*"]
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
