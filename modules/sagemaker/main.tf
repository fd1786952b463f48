data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  arn_prefix = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}"

  feature_group_name       = "${var.name_prefix}-loans"
  model_package_group_name = "${var.name_prefix}-credit-risk"
  offline_store_prefix     = "feature-store"

  images = {
    processing = coalesce(var.image_uris.processing, data.aws_sagemaker_prebuilt_ecr_image.sklearn.registry_path)
    training   = coalesce(var.image_uris.training, data.aws_sagemaker_prebuilt_ecr_image.sklearn.registry_path)
    inference  = coalesce(var.image_uris.inference, data.aws_sagemaker_prebuilt_ecr_image.sklearn.registry_path)
  }
  # <account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest] -> repository ARN.
  image_repository_arns = distinct([
    for uri in values(local.images) : format(
      "arn:%s:ecr:%s:%s:repository/%s",
      local.partition,
      regex(local.ecr_image_pattern, uri)[1],
      regex(local.ecr_image_pattern, uri)[0],
      regex(local.ecr_image_pattern, uri)[2],
    )
  ])
  ecr_image_pattern = "^([0-9]{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([a-z0-9._/-]+)(?:[:@].*)?$"
}

# The SageMaker scikit-learn image of the deployment's region (an account per region; no API call).
data "aws_sagemaker_prebuilt_ecr_image" "sklearn" {
  repository_name = "sagemaker-scikit-learn"
  image_tag       = var.sklearn_image_tag
}

resource "aws_sagemaker_feature_group" "this" {
  feature_group_name             = local.feature_group_name
  record_identifier_feature_name = "id"
  event_time_feature_name        = "loan_date"
  role_arn                       = aws_iam_role.execution.arn
  description                    = "Five credit-risk features per loan, as of the loan date (online: latest loan per user; offline: history)."

  dynamic "feature_definition" {
    for_each = var.features

    content {
      feature_name = feature_definition.key
      feature_type = feature_definition.value
    }
  }

  online_store_config {
    enable_online_store = true

    security_config {
      kms_key_id = var.kms_key_arn
    }
  }

  offline_store_config {
    disable_glue_table_creation = !var.offline_store_glue_table

    s3_storage_config {
      s3_uri     = "s3://${var.artifacts_bucket_name}/${local.offline_store_prefix}"
      kms_key_id = var.kms_key_arn
    }
  }

  tags = var.tags
}

resource "aws_sagemaker_model_package_group" "this" {
  model_package_group_name        = local.model_package_group_name
  model_package_group_description = "Credit-risk RandomForest versions; each waits for a human decision (PendingManualApproval)."
  tags                            = var.tags
}
