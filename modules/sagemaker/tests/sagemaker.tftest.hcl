mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix           = "credit-risk-test"
  raw_bucket_arn        = "arn:aws:s3:::credit-risk-test-raw"
  artifacts_bucket_name = "credit-risk-test-artifacts"
  artifacts_bucket_arn  = "arn:aws:s3:::credit-risk-test-artifacts"
  kms_key_arn           = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "feature_group_matches_the_contract" {
  command = plan

  assert {
    condition     = aws_sagemaker_feature_group.this.record_identifier_feature_name == "id" && aws_sagemaker_feature_group.this.event_time_feature_name == "loan_date"
    error_message = "Record identifier id and event time loan_date (ARCHITECTURE.md 3.3)."
  }

  assert {
    condition = {
      for feature in aws_sagemaker_feature_group.this.feature_definition : feature.feature_name => feature.feature_type
      } == {
      id                        = "Integral", loan_id = "Integral", loan_date = "String", nb_previous_loans = "Integral",
      avg_amount_loans_previous = "Fractional", age = "Integral", years_on_the_job = "Integral",
      flag_own_car              = "Integral", status = "Integral"
    }
    error_message = "Features and types must match docs/design/interfaces.md section 2."
  }

  assert {
    condition     = one(aws_sagemaker_feature_group.this.online_store_config).enable_online_store && one(one(aws_sagemaker_feature_group.this.online_store_config).security_config).kms_key_id == var.kms_key_arn
    error_message = "The online store must be on and encrypted with the key."
  }

  assert {
    condition     = one(one(aws_sagemaker_feature_group.this.offline_store_config).s3_storage_config).s3_uri == "s3://credit-risk-test-artifacts/feature-store"
    error_message = "The offline store must write under feature-store/ in the artifacts bucket."
  }

  assert {
    condition     = aws_sagemaker_model_package_group.this.model_package_group_name == "credit-risk-test-credit-risk"
    error_message = "The model package group is named <prefix>-credit-risk."
  }
}

run "uses_the_regions_sklearn_image_unless_overridden" {
  command = plan

  variables {
    image_uris = { inference = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/custom-inference:1" }
  }

  assert {
    condition = output.image_uris == {
      processing = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
      training   = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
      inference  = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/custom-inference:1"
    }
    error_message = "Each job kind uses the scikit-learn image unless an override is given."
  }

  assert {
    condition = toset(local.image_repository_arns) == toset([
      "arn:aws:ecr:eu-west-1:141502667606:repository/sagemaker-scikit-learn",
      "arn:aws:ecr:eu-west-1:123456789012:repository/custom-inference",
    ])
    error_message = "The role may pull exactly the repositories of the images in use."
  }
}

run "execution_role_is_scoped_to_the_product" {
  command = plan

  assert {
    condition     = one([for s in data.aws_iam_policy_document.execution.statement : s if s.sid == "ReadRawInput"]).resources == toset(["arn:aws:s3:::credit-risk-test-raw/incoming/*"])
    error_message = "The jobs may read the raw prefix only."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.execution.statement : s if s.sid == "IngestFeatures"]).resources == toset(["arn:aws:sagemaker:eu-west-1:123456789012:feature-group/credit-risk-test-loans"])
    error_message = "PutRecord must be limited to the product's feature group."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.execution.statement : s if s.sid == "IngestFeatures"]).actions == toset(["sagemaker:PutRecord", "sagemaker:BatchWriteRecord", "sagemaker:DescribeFeatureGroup"])
    error_message = "The ingestion job writes with BatchWriteRecord (its default) or PutRecord, nothing else."
  }

  assert {
    condition     = one(one(data.aws_iam_policy_document.assume.statement).principals).identifiers == toset(["sagemaker.amazonaws.com"])
    error_message = "Only SageMaker may assume the execution role."
  }

  assert {
    condition     = !contains([for s in data.aws_iam_policy_document.execution.statement : s.sid], "OfflineStoreGlueTable")
    error_message = "No Glue permissions unless the Glue table is asked for."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name_prefix              = "1bad"
    raw_bucket_arn           = "arn:aws:s3:::UPPER"
    raw_prefix               = "incoming/*"
    artifacts_bucket_name    = "a"
    artifacts_bucket_arn     = "credit-risk-test-artifacts"
    kms_key_arn              = "arn:aws:kms:eu-west-1:123456789012:alias/x"
    sklearn_image_tag        = "latest"
    permissions_boundary_arn = "arn:aws:iam::123456789012:role/not-a-policy"
  }

  expect_failures = [
    var.name_prefix, var.raw_bucket_arn, var.raw_prefix, var.artifacts_bucket_name, var.artifacts_bucket_arn,
    var.kms_key_arn, var.sklearn_image_tag, var.permissions_boundary_arn,
  ]
}

run "rejects_unknown_feature_types" {
  command = plan

  variables {
    features = { id = "Integral", loan_date = "String", age = "Double" }
  }

  expect_failures = [var.features]
}

run "rejects_features_without_record_id_or_event_time" {
  command = plan

  variables {
    features = { loan_id = "Integral", loan_date = "String" }
  }

  expect_failures = [var.features]
}

run "rejects_image_uris_outside_ecr" {
  command = plan

  variables {
    image_uris = { training = "docker.io/library/python:3.11" }
  }

  expect_failures = [var.image_uris]
}

run "bounds_the_execution_role_when_asked" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"
  }

  assert {
    condition     = aws_iam_role.execution.permissions_boundary == "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"
    error_message = "The SageMaker execution role must carry the given permissions boundary."
  }
}
