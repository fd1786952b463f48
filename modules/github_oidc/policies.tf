locals {
  arn = {
    s3        = "arn:${local.partition}:s3:::"
    dynamodb  = "arn:${local.partition}:dynamodb:${local.region}:${local.account_id}"
    sns       = "arn:${local.partition}:sns:${local.region}:${local.account_id}"
    sqs       = "arn:${local.partition}:sqs:${local.region}:${local.account_id}"
    events    = "arn:${local.partition}:events:${local.region}:${local.account_id}"
    states    = "arn:${local.partition}:states:${local.region}:${local.account_id}"
    lambda    = "arn:${local.partition}:lambda:${local.region}:${local.account_id}"
    logs      = "arn:${local.partition}:logs:${local.region}:${local.account_id}"
    iam       = "arn:${local.partition}:iam::${local.account_id}"
    kms       = "arn:${local.partition}:kms:${local.region}:${local.account_id}"
    sagemaker = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}"
  }

  # What the product's stack manages, per service: the resources (by the environment's name
  # prefix where the service allows it), what plan may read, and what apply may also change.
  services = {
    for environment, settings in var.environments : environment => {
      s3 = {
        group     = "data"
        resources = ["${local.arn.s3}${settings.name_prefix}-*", "${local.arn.s3}${settings.name_prefix}-*/*"]
        read      = ["s3:Get*", "s3:ListBucket", "s3:ListBucketVersions"]
        write     = ["s3:CreateBucket", "s3:DeleteBucket", "s3:Put*", "s3:DeleteBucketPolicy", "s3:DeleteObject", "s3:DeleteObjectVersion"]
      }
      dynamodb = {
        group     = "data"
        resources = ["${local.arn.dynamodb}:table/${settings.name_prefix}-*"]
        read      = ["dynamodb:Describe*", "dynamodb:ListTagsOfResource"]
        write     = ["dynamodb:CreateTable", "dynamodb:DeleteTable", "dynamodb:UpdateTable", "dynamodb:UpdateTimeToLive", "dynamodb:UpdateContinuousBackups", "dynamodb:TagResource", "dynamodb:UntagResource"]
      }
      sns = {
        group     = "data"
        resources = ["${local.arn.sns}:${settings.name_prefix}-*"]
        read      = ["sns:GetTopicAttributes", "sns:GetSubscriptionAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"]
        write     = ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetTopicAttributes", "sns:Subscribe", "sns:Unsubscribe", "sns:SetSubscriptionAttributes", "sns:TagResource", "sns:UntagResource"]
      }
      sqs = {
        group     = "data"
        resources = ["${local.arn.sqs}:${settings.name_prefix}-*"]
        read      = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
        write     = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
      }
      kms_alias = {
        group     = "data"
        resources = ["${local.arn.kms}:alias/${settings.name_prefix}"]
        read      = []
        write     = ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"]
      }
      # Key ids are random: keys are the one resource scoped to the account and region only.
      kms_key = {
        group     = "data"
        resources = ["${local.arn.kms}:key/*"]
        read      = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
        write     = ["kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:CreateAlias", "kms:DeleteAlias", "kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:CreateGrant"]
      }
      events = {
        group     = "compute"
        resources = ["${local.arn.events}:rule/${settings.name_prefix}-*"]
        read      = ["events:DescribeRule", "events:ListTargetsByRule", "events:ListTagsForResource"]
        write     = ["events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets", "events:TagResource", "events:UntagResource"]
      }
      states = {
        group     = "compute"
        resources = ["${local.arn.states}:stateMachine:${settings.name_prefix}-*"]
        read      = ["states:DescribeStateMachine", "states:ListTagsForResource", "states:ListStateMachineVersions"]
        write     = ["states:CreateStateMachine", "states:UpdateStateMachine", "states:DeleteStateMachine", "states:TagResource", "states:UntagResource"]
      }
      lambda = {
        group     = "compute"
        resources = ["${local.arn.lambda}:function:${settings.name_prefix}-*"]
        read      = ["lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:GetPolicy", "lambda:ListVersionsByFunction", "lambda:ListTags"]
        write     = ["lambda:CreateFunction", "lambda:DeleteFunction", "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "lambda:AddPermission", "lambda:RemovePermission", "lambda:TagResource", "lambda:UntagResource"]
      }
      logs = {
        group = "compute"
        resources = [
          "${local.arn.logs}:log-group:/aws/lambda/${settings.name_prefix}-*",
          "${local.arn.logs}:log-group:/aws/apigateway/${settings.name_prefix}-*",
          "${local.arn.logs}:log-group:/aws/vendedlogs/states/${settings.name_prefix}-*",
        ]
        read  = ["logs:ListTagsForResource", "logs:ListTagsLogGroup"]
        write = ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy", "logs:AssociateKmsKey", "logs:DisassociateKmsKey", "logs:TagResource", "logs:UntagResource", "logs:TagLogGroup", "logs:UntagLogGroup"]
      }
      sagemaker = {
        group     = "compute"
        resources = ["${local.arn.sagemaker}:feature-group/${settings.name_prefix}-*", "${local.arn.sagemaker}:model-package-group/${settings.name_prefix}-*"]
        read      = ["sagemaker:DescribeFeatureGroup", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListTags"]
        write     = ["sagemaker:CreateFeatureGroup", "sagemaker:DeleteFeatureGroup", "sagemaker:UpdateFeatureGroup", "sagemaker:CreateModelPackageGroup", "sagemaker:DeleteModelPackageGroup", "sagemaker:AddTags", "sagemaker:DeleteTags"]
      }
      # HTTP API ids are random: the APIs of the region.
      apigateway = {
        group     = "compute"
        resources = ["arn:${local.partition}:apigateway:${local.region}::/apis", "arn:${local.partition}:apigateway:${local.region}::/apis/*", "arn:${local.partition}:apigateway:${local.region}::/tags/*"]
        read      = ["apigateway:GET"]
        write     = ["apigateway:POST", "apigateway:PUT", "apigateway:PATCH", "apigateway:DELETE", "apigateway:TagResource", "apigateway:UntagResource"]
      }
      iam = {
        group     = "iam"
        resources = ["${local.arn.iam}:role/${settings.name_prefix}-*"]
        read      = ["iam:GetRole", "iam:GetRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRoleTags"]
        # Creating a role and changing its policies need the boundary: see ManageBoundedRoles.
        write = ["iam:DeleteRole", "iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:TagRole", "iam:UntagRole"]
      }
    }
  }

  policy_groups = toset(["data", "compute", "iam"])

  # The role actions that accept the iam:PermissionsBoundary condition key (IAM service
  # authorization reference) and that the stack needs: creating its roles, writing their inline
  # policies, and putting the boundary on a role created before the boundary existed.
  bounded_role_actions = ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"]

  boundary_statements = {
    for environment, settings in var.environments : environment => {
      ManageBoundedRoles = {
        effect        = "Allow"
        actions       = local.bounded_role_actions
        resources     = ["${local.arn.iam}:role/${settings.name_prefix}-*"]
        boundary_test = "StringEquals"
      }
      DenyRolesWithAnotherBoundary = {
        effect        = "Deny"
        actions       = concat(local.bounded_role_actions, ["iam:AttachRolePolicy", "iam:DetachRolePolicy"])
        resources     = ["*"]
        boundary_test = "StringNotEquals"
      }
      DenyRemovingBoundaries = {
        effect        = "Deny"
        actions       = ["iam:DeleteRolePermissionsBoundary"]
        resources     = ["*"]
        boundary_test = null
      }
      DenyChangingBoundaryPolicies = {
        effect        = "Deny"
        actions       = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"]
        resources     = values(local.boundary_arns)
        boundary_test = null
      }
    }
  }

  deploy_policies = {
    for pair in setproduct(keys(var.environments), local.policy_groups) : "${pair[0]}-${pair[1]}" => {
      environment = pair[0]
      group       = pair[1]
    }
  }

  state_objects = "arn:${local.partition}:s3:::${var.state_bucket_name}"
}

# Plan reads every environment (a pull request may touch any of them).
data "aws_iam_policy_document" "plan" {
  for_each = local.policy_groups

  dynamic "statement" {
    for_each = {
      for pair in flatten([
        for environment, services in local.services : [
          for service, access in services : { key = "${environment}-${service}", access = access }
          if access.group == each.key && length(access.read) > 0
        ]
      ]) : pair.key => pair.access
    }

    content {
      sid       = "Read${replace(title(replace(statement.key, "/[-_]/", " ")), " ", "")}"
      actions   = statement.value.read
      resources = statement.value.resources
    }
  }

  dynamic "statement" {
    for_each = each.key == "data" ? [1] : []

    content {
      sid       = "ReadState"
      actions   = ["s3:GetObject", "s3:ListBucket"]
      resources = [local.state_objects, "${local.state_objects}/*"]
    }
  }

  # The S3 backend's native lock is an object beside the state file.
  dynamic "statement" {
    for_each = each.key == "data" ? [1] : []

    content {
      sid       = "LockState"
      actions   = ["s3:PutObject", "s3:DeleteObject"]
      resources = ["${local.state_objects}/*.tflock"]
    }
  }

  # The state bucket is encrypted with a KMS key: read it through S3 only.
  dynamic "statement" {
    for_each = each.key == "data" ? [1] : []

    content {
      sid       = "DecryptStateThroughS3"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = ["${local.arn.kms}:key/*"]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${local.region}.amazonaws.com"]
      }
    }
  }

  dynamic "statement" {
    for_each = each.key == "compute" ? [1] : []

    content {
      sid       = "DescribeUnscopable"
      actions   = ["logs:DescribeLogGroups", "kms:ListAliases", "lambda:GetLayerVersion"]
      resources = ["*"]
    }
  }
}

data "aws_iam_policy_document" "deploy" {
  for_each = local.deploy_policies

  dynamic "statement" {
    for_each = { for service, access in local.services[each.value.environment] : service => access if access.group == each.value.group }

    content {
      sid       = "Manage${replace(title(replace(statement.key, "_", " ")), " ", "")}"
      actions   = concat(statement.value.read, statement.value.write)
      resources = statement.value.resources
    }
  }

  dynamic "statement" {
    for_each = each.value.group == "data" ? [1] : []

    content {
      sid       = "ReadWriteOwnState"
      actions   = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]
      resources = ["${local.state_objects}/${each.value.environment}/*"]
    }
  }

  dynamic "statement" {
    for_each = each.value.group == "data" ? [1] : []

    content {
      sid       = "ListState"
      actions   = ["s3:ListBucket"]
      resources = [local.state_objects]
    }
  }

  # Actions that take no resource ARN (creating a key, listing, vended log delivery for the
  # workflow's logging configuration, the public Powertools layer).
  dynamic "statement" {
    for_each = each.value.group == "compute" ? [1] : []

    content {
      sid = "Unscopable"
      actions = [
        "kms:CreateKey",
        "kms:ListAliases",
        "logs:DescribeLogGroups",
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "states:ValidateStateMachineDefinition",
        "lambda:GetLayerVersion",
      ]
      resources = ["*"]
    }
  }

  # The deploy role creates and edits only roles that carry the environment's boundary (see
  # boundary_statements); the denies hold even if someone attaches a broader policy to it.
  dynamic "statement" {
    for_each = each.value.group == "iam" ? local.boundary_statements[each.value.environment] : {}

    content {
      sid       = statement.key
      effect    = statement.value.effect
      actions   = statement.value.actions
      resources = statement.value.resources

      dynamic "condition" {
        for_each = statement.value.boundary_test == null ? [] : [statement.value.boundary_test]

        content {
          test     = condition.value
          variable = "iam:PermissionsBoundary"
          values   = [local.boundary_arns[each.value.environment]]
        }
      }
    }
  }

  dynamic "statement" {
    for_each = each.value.group == "iam" ? [1] : []

    content {
      sid       = "PassProductRolesToTheirServices"
      actions   = ["iam:PassRole"]
      resources = ["${local.arn.iam}:role/${var.environments[each.value.environment].name_prefix}-*"]

      condition {
        test     = "StringEquals"
        variable = "iam:PassedToService"
        values   = ["lambda.amazonaws.com", "states.amazonaws.com", "events.amazonaws.com", "sagemaker.amazonaws.com"]
      }
    }
  }
}
