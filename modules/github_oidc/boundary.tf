# The permissions boundary of every role an environment's stack creates. The deploy role may only
# create and change <name_prefix>-* roles that carry it (policies.tf), so a role it writes can never
# do more than this, whatever inline policy it is given: no IAM beyond passing the stack's own roles
# to SageMaker, and only the actions the stack's roles use (modules/functions/iam.tf,
# modules/workflow/iam.tf, modules/sagemaker/iam.tf, modules/events/main.tf). Those policies scope
# each action to its resources; the boundary caps them by service and by the environment's prefix.
locals {
  boundary_policy_names = { for environment, settings in var.environments : environment => "${settings.name_prefix}-permissions-boundary" }
  boundary_arns         = { for environment, name in local.boundary_policy_names : environment => "${local.arn.iam}:policy/${name}" }
}

data "aws_iam_policy_document" "boundary" {
  for_each = var.environments

  # The buckets are <name_prefix>-<account>-raw|artifacts|access-logs; the offline store writes
  # into the artifacts bucket.
  statement {
    sid = "ProductObjects"
    actions = [
      "s3:GetObject",
      "s3:GetObjectVersion",
      "s3:PutObject",
      "s3:AbortMultipartUpload",
      "s3:ListMultipartUploadParts",
      "s3:ListBucket",
      "s3:GetBucketLocation",
    ]
    resources = ["${local.arn.s3}${each.value.name_prefix}-*", "${local.arn.s3}${each.value.name_prefix}-*/*"]
  }

  statement {
    sid       = "ProductTableItems"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"]
    resources = ["${local.arn.dynamodb}:table/${each.value.name_prefix}-*"]
  }

  statement {
    sid       = "ProductTopics"
    actions   = ["sns:Publish"]
    resources = ["${local.arn.sns}:${each.value.name_prefix}-*"]
  }

  statement {
    sid       = "ProductStateMachines"
    actions   = ["states:StartExecution", "states:SendTaskSuccess", "states:SendTaskFailure"]
    resources = ["${local.arn.states}:stateMachine:${each.value.name_prefix}-*"]
  }

  statement {
    sid       = "ProductFunctions"
    actions   = ["lambda:InvokeFunction"]
    resources = ["${local.arn.lambda}:function:${each.value.name_prefix}-*"]
  }

  # Job, model, endpoint-config and model-package names are chosen at run time by the workflow:
  # SageMaker is capped to the account and region, and to the actions the stack uses.
  statement {
    sid = "SageMakerWorkflowAndFeatureStore"
    actions = [
      "sagemaker:CreateProcessingJob",
      "sagemaker:DescribeProcessingJob",
      "sagemaker:StopProcessingJob",
      "sagemaker:CreateTrainingJob",
      "sagemaker:DescribeTrainingJob",
      "sagemaker:StopTrainingJob",
      "sagemaker:CreateModelPackage",
      "sagemaker:UpdateModelPackage",
      "sagemaker:DescribeModelPackage",
      "sagemaker:CreateModel",
      "sagemaker:CreateEndpointConfig",
      "sagemaker:CreateEndpoint",
      "sagemaker:UpdateEndpoint",
      "sagemaker:DescribeEndpoint",
      "sagemaker:InvokeEndpoint",
      "sagemaker:AddTags",
      "sagemaker:ListTags",
      "sagemaker:GetRecord",
      "sagemaker:PutRecord",
      "sagemaker:BatchWriteRecord",
      "sagemaker:DescribeFeatureGroup",
    ]
    resources = ["${local.arn.sagemaker}:*"]
  }

  # Key ids are random: the keys of the account and region.
  statement {
    sid       = "UseKeys"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey", "kms:CreateGrant"]
    resources = ["${local.arn.kms}:key/*"]
  }

  statement {
    sid     = "WriteProductLogs"
    actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = [
      "${local.arn.logs}:log-group:/aws/lambda/${each.value.name_prefix}-*",
      "${local.arn.logs}:log-group:/aws/sagemaker/*",
    ]
  }

  # The .sync integrations' rules, which Step Functions names.
  statement {
    sid       = "SyncManagedRules"
    actions   = ["events:PutTargets", "events:PutRule", "events:DescribeRule"]
    resources = ["${local.arn.events}:rule/StepFunctionsGetEventsForSageMaker*"]
  }

  # The processing, training and inference images live in AWS's (or the lender's) registries.
  statement {
    sid       = "PullImages"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = ["arn:${local.partition}:ecr:*:*:repository/*"]
  }

  # The optional Glue table of the offline store (modules/sagemaker offline_store_glue_table).
  statement {
    sid       = "OfflineStoreGlueTable"
    actions   = ["glue:GetTable", "glue:CreateTable", "glue:UpdateTable", "glue:GetDatabase", "glue:CreateDatabase"]
    resources = ["arn:${local.partition}:glue:${local.region}:${local.account_id}:*"]
  }

  statement {
    sid       = "PublishJobMetrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]

    condition {
      test     = "StringLike"
      variable = "cloudwatch:namespace"
      values   = ["/aws/sagemaker/*"]
    }
  }

  # Actions that take no resource ARN: tracing, the registry token and Step Functions' vended
  # log delivery.
  statement {
    sid = "Unscopable"
    actions = [
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "ecr:GetAuthorizationToken",
      "sagemaker:ListEndpoints",
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

  # The one IAM action: the workflow passes the SageMaker role to its jobs and model.
  statement {
    sid       = "PassProductRolesToSageMaker"
    actions   = ["iam:PassRole"]
    resources = ["${local.arn.iam}:role/${each.value.name_prefix}-*"]

    condition {
      test     = "StringEquals"
      variable = "iam:PassedToService"
      values   = ["sagemaker.amazonaws.com"]
    }
  }
}

resource "aws_iam_policy" "boundary" {
  for_each = var.environments

  name        = local.boundary_policy_names[each.key]
  description = "Permissions boundary of every role the ${each.key} stack creates."
  policy      = data.aws_iam_policy_document.boundary[each.key].json
  tags        = var.tags
}
