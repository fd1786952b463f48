data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["states.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

# One statement per service integration of statemachine.asl.json (ARCHITECTURE.md section 1).
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ClaimObject"
    actions   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
    resources = [var.claims_table.arn]
  }

  statement {
    sid       = "ProcessingJobsSync"
    actions   = ["sagemaker:CreateProcessingJob", "sagemaker:DescribeProcessingJob", "sagemaker:StopProcessingJob"]
    resources = ["${local.sagemaker}:processing-job/*"]
  }

  statement {
    sid       = "TrainingJobsSync"
    actions   = ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob"]
    resources = ["${local.sagemaker}:training-job/*"]
  }

  # The .sync integrations watch job state changes through rules that Step Functions manages.
  statement {
    sid     = "SyncManagedRules"
    actions = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = [
      "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule",
      "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule",
    ]
  }

  statement {
    sid       = "PassRoleToSageMakerOnly"
    actions   = ["iam:PassRole"]
    resources = [var.sagemaker.role_arn]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }

  statement {
    sid     = "RegisterAndDecideModelPackage"
    actions = ["sagemaker:CreateModelPackage", "sagemaker:UpdateModelPackage", "sagemaker:DescribeModelPackage"]
    resources = [
      "${local.sagemaker}:model-package-group/${lower(var.sagemaker.model_package_group_name)}",
      "${local.sagemaker}:model-package/${lower(var.sagemaker.model_package_group_name)}/*",
    ]
  }

  statement {
    sid       = "CreateModelAndEndpointConfig"
    actions   = ["sagemaker:CreateModel", "sagemaker:CreateEndpointConfig"]
    resources = ["${local.sagemaker}:model/*", "${local.sagemaker}:endpoint-config/*"]
  }

  statement {
    sid       = "DeployEndpoint"
    actions   = ["sagemaker:CreateEndpoint", "sagemaker:UpdateEndpoint", "sagemaker:DescribeEndpoint"]
    resources = [local.endpoint_arn, "${local.sagemaker}:endpoint-config/*"]
  }

  # "create or update": the workflow looks for the endpoint by name; ListEndpoints takes no
  # resource ARN.
  statement {
    sid       = "FindEndpoint"
    actions   = ["sagemaker:ListEndpoints"]
    resources = ["*"]
  }

  # The SageMaker integrations' documented policies include ListTags, and AddTags for any Tags a
  # Create* request carries (none today), scoped to what the workflow creates.
  statement {
    sid     = "TagCreatedResources"
    actions = ["sagemaker:AddTags", "sagemaker:ListTags"]
    resources = [
      "${local.sagemaker}:processing-job/*",
      "${local.sagemaker}:training-job/*",
      "${local.sagemaker}:model-package/${lower(var.sagemaker.model_package_group_name)}/*",
      "${local.sagemaker}:model/*",
      "${local.sagemaker}:endpoint-config/*",
      local.endpoint_arn,
    ]
  }

  statement {
    sid     = "InvokeWorkflowFunctions"
    actions = ["lambda:InvokeFunction"]
    resources = [
      var.functions.approval_request_arn,
      "${var.functions.approval_request_arn}:*",
      var.functions.notify_arn,
      "${var.functions.notify_arn}:*",
    ]
  }

  # Step Functions delivers its execution logs through CloudWatch Logs vended log delivery, whose
  # actions take no resource ARN.
  statement {
    sid = "DeliverExecutionLogs"
    actions = [
      "logs:CreateLogDelivery",
      "logs:GetLogDelivery",
      "logs:UpdateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:DescribeResourcePolicies",
      "logs:DescribeLogGroups",
    ]
    resources = ["*"]
  }

  statement {
    sid       = "Tracing"
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets"]
    resources = ["*"]
  }
}

resource "aws_iam_role" "this" {
  name                 = "${var.name}-sfn"
  description          = "The workflow's service integrations, one statement each."
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "service-integrations"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
