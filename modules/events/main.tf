data "aws_caller_identity" "current" {}

locals {
  # S3 "Object Created" events of the raw bucket whose key is <prefix>...<suffix>.
  event_pattern = {
    source        = ["aws.s3"]
    "detail-type" = ["Object Created"]
    detail = {
      bucket = { name = [var.bucket_name] }
      object = { key = [{ wildcard = "${var.key_prefix}*${var.key_suffix}" }] }
    }
  }
}

resource "aws_cloudwatch_event_rule" "this" {
  name          = "${var.name_prefix}-raw-object-created"
  description   = "A ${var.key_suffix} file lands in s3://${var.bucket_name}/${var.key_prefix}: start the workflow."
  event_pattern = jsonencode(local.event_pattern)
  tags          = var.tags
}

resource "aws_cloudwatch_event_target" "this" {
  rule      = aws_cloudwatch_event_rule.this.name
  target_id = "workflow"
  arn       = var.state_machine_arn
  role_arn  = aws_iam_role.this.arn

  retry_policy {
    maximum_event_age_in_seconds = var.retry_policy.maximum_event_age_seconds
    maximum_retry_attempts       = var.retry_policy.maximum_retry_attempts
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letter.arn
  }
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [data.aws_caller_identity.current.account_id]
    }
  }
}

data "aws_iam_policy_document" "start_execution" {
  statement {
    actions   = ["states:StartExecution"]
    resources = [var.state_machine_arn]
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.name_prefix}-raw-object-created"
  description          = "Lets the raw-object rule start the workflow."
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "start-workflow"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.start_execution.json
}

# Events EventBridge could not deliver after its retries: inspect, then redrive by re-uploading.
resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name_prefix}-raw-object-created-dlq"
  message_retention_seconds = var.dead_letter_retention_seconds
  sqs_managed_sse_enabled   = true
  tags                      = var.tags
}

data "aws_iam_policy_document" "dead_letter" {
  statement {
    sid       = "RuleDeliversFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.dead_letter.arn]

    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }

    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.this.arn]
    }
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [aws_sqs_queue.dead_letter.arn]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

resource "aws_sqs_queue_policy" "dead_letter" {
  queue_url = aws_sqs_queue.dead_letter.id
  policy    = data.aws_iam_policy_document.dead_letter.json
}
