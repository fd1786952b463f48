mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name                     = "credit-risk-test-workflow"
  definition_template_path = "./tests/fixtures/statemachine.asl.json"
  claims_table             = { name = "credit-risk-test-claims", arn = "arn:aws:dynamodb:eu-west-1:123456789012:table/credit-risk-test-claims" }
  artifacts_bucket         = { name = "credit-risk-test-artifacts", arn = "arn:aws:s3:::credit-risk-test-artifacts" }
  code_version             = "0123abc"
  sagemaker = {
    role_arn                 = "arn:aws:iam::123456789012:role/credit-risk-test-sagemaker"
    feature_group_name       = "credit-risk-test-loans"
    model_package_group_name = "credit-risk-test-credit-risk"
    processing_image_uri     = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    training_image_uri       = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
    inference_image_uri      = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
  }
  functions = {
    approval_request_arn = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-approval-request"
    notify_arn           = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-notify"
  }
  api_base_url = "https://abc123.execute-api.eu-west-1.amazonaws.com"
  endpoint     = { name = "credit-risk-test-credit-risk" }
  kms_key_arn  = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "renders_every_placeholder_with_the_real_values" {
  command = plan

  assert {
    condition     = !strcontains(aws_sfn_state_machine.this.definition, "$${")
    error_message = "No placeholder may stay unrendered."
  }

  assert {
    condition = jsondecode(aws_sfn_state_machine.this.definition).States.Placeholders.Result == {
      aws_region                     = "eu-west-1"
      claims_table_name              = "credit-risk-test-claims"
      artifacts_bucket               = "credit-risk-test-artifacts"
      code_s3_prefix                 = "s3://credit-risk-test-artifacts/code/0123abc"
      sagemaker_role_arn             = "arn:aws:iam::123456789012:role/credit-risk-test-sagemaker"
      processing_image_uri           = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
      training_image_uri             = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
      inference_image_uri            = "141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3"
      processing_instance_type       = "ml.t3.medium"
      training_instance_type         = "ml.m5.large"
      feature_group_name             = "credit-risk-test-loans"
      model_package_group_name       = "credit-risk-test-credit-risk"
      endpoint_name                  = "credit-risk-test-credit-risk"
      endpoint_mode                  = "serverless"
      endpoint_instance_type         = "ml.m5.large"
      serverless_memory_mb           = "2048"
      serverless_max_concurrency     = "5"
      approval_function_arn          = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-approval-request"
      notify_function_arn            = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-notify"
      approval_timeout_seconds       = "86400"
      quality_gate_min_roc_auc       = "0.6"
      api_base_url                   = "https://abc123.execute-api.eu-west-1.amazonaws.com"
      endpoint_poll_seconds          = "30"
      endpoint_max_polls             = "60"
      rf_n_estimators                = "50"
      rf_max_depth                   = "12"
      rf_min_samples_leaf            = "0.003"
      rf_max_samples                 = "0.2"
      processing_max_runtime_seconds = "3600"
      training_max_runtime_seconds   = "7200"
      job_volume_size_gb             = "30"
    }
    error_message = "Every placeholder of docs/design/interfaces.md section 4 must get its value."
  }
}

run "standard_workflow_with_logging_and_tracing" {
  command = apply

  assert {
    condition     = aws_sfn_state_machine.this.type == "STANDARD" && one(aws_sfn_state_machine.this.tracing_configuration).enabled
    error_message = "A Standard state machine with X-Ray tracing."
  }

  assert {
    condition = (
      one(aws_sfn_state_machine.this.logging_configuration).log_destination == "${aws_cloudwatch_log_group.this.arn}:*" &&
      one(aws_sfn_state_machine.this.logging_configuration).level == "ALL" &&
      !one(aws_sfn_state_machine.this.logging_configuration).include_execution_data
    )
    error_message = "Execution history goes to the encrypted log group, without execution data (it holds the task token)."
  }
}

run "grants_each_integration_exactly_what_it_needs" {
  command = plan

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "InvokeWorkflowFunctions"]).resources == toset([var.functions.approval_request_arn, "${var.functions.approval_request_arn}:*", var.functions.notify_arn, "${var.functions.notify_arn}:*"])
    error_message = "lambda:InvokeFunction only on the two workflow functions."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "PassRoleToSageMakerOnly"]).resources == toset([var.sagemaker.role_arn]) &&
      one(one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "PassRoleToSageMakerOnly"]).condition).values == tolist(["sagemaker.amazonaws.com"])
    )
    error_message = "iam:PassRole only for the SageMaker role, only to SageMaker."
  }

  assert {
    condition = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "SyncManagedRules"]).resources == toset([
      "arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule",
      "arn:aws:events:eu-west-1:123456789012:rule/StepFunctionsGetEventsForSageMakerTrainingJobsRule",
    ]) && one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "SyncManagedRules"]).actions == toset(["events:PutTargets", "events:PutRule", "events:DescribeRule"])
    error_message = "The .sync integrations need their managed rules."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "FindEndpoint"]).actions == toset(["sagemaker:ListEndpoints"])
    error_message = "The endpoint lookup (aws-sdk:sagemaker:listEndpoints) needs ListEndpoints."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "ClaimObject"]).resources == toset([var.claims_table.arn])
    error_message = "The claim writes only to the claims table."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "ClaimObject"]).actions == toset(["dynamodb:PutItem", "dynamodb:DeleteItem"])
    error_message = "The claim needs the conditional put and the release (delete), nothing else."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.this.statement : s if s.sid == "DeployEndpoint"]).resources == toset(["arn:aws:sagemaker:eu-west-1:123456789012:endpoint/credit-risk-test-credit-risk", "arn:aws:sagemaker:eu-west-1:123456789012:endpoint-config/*"])
    error_message = "Only the product's endpoint may be created or updated."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name                     = "bad name"
    definition_template_path = "./missing.asl.json"
    claims_table             = { name = "c", arn = "c" }
    artifacts_bucket         = { name = "B", arn = "b" }
    code_version             = "has/slash"
    sagemaker = {
      role_arn                 = "role"
      feature_group_name       = "f"
      model_package_group_name = "m"
      processing_image_uri     = "p"
      training_image_uri       = "t"
      inference_image_uri      = "i"
    }
    functions                = { approval_request_arn = "a", notify_arn = "n" }
    api_base_url             = "https://example.com/"
    jobs                     = { processing_instance_type = "t3.medium" }
    approval_timeout_seconds = 10
    quality_gate_min_roc_auc = 0.3
    log_level                = "OFF"
    log_retention_days       = 4
    kms_key_arn              = "k"
    permissions_boundary_arn = "p"
  }

  expect_failures = [
    var.name, var.definition_template_path, var.claims_table, var.artifacts_bucket, var.code_version, var.sagemaker,
    var.functions, var.api_base_url, var.jobs, var.approval_timeout_seconds, var.quality_gate_min_roc_auc,
    var.log_level, var.log_retention_days, var.kms_key_arn, var.permissions_boundary_arn,
  ]
}

run "rejects_fractional_hyperparameters" {
  command = plan

  variables {
    jobs = { rf_max_depth = 2.5 }
  }

  expect_failures = [var.jobs]
}

run "rejects_a_min_samples_leaf_between_fraction_and_count" {
  command = plan

  variables {
    jobs = { rf_min_samples_leaf = 1.5 }
  }

  expect_failures = [var.jobs]
}

run "rejects_a_max_samples_outside_zero_to_one" {
  command = plan

  variables {
    jobs = { rf_max_samples = 1.5 }
  }

  expect_failures = [var.jobs]
}

run "rejects_a_job_run_time_limit_beyond_sagemakers" {
  command = plan

  variables {
    jobs = { training_max_runtime_seconds = 500000 }
  }

  expect_failures = [var.jobs]
}

run "rejects_a_job_run_time_limit_under_a_minute" {
  command = plan

  variables {
    jobs = { processing_max_runtime_seconds = 30 }
  }

  expect_failures = [var.jobs]
}

run "rejects_a_fractional_volume_size" {
  command = plan

  variables {
    jobs = { volume_size_gb = 0.5 }
  }

  expect_failures = [var.jobs]
}

run "passes_job_limits_on" {
  command = plan

  variables {
    jobs = { processing_max_runtime_seconds = 900, training_max_runtime_seconds = 1800, volume_size_gb = 50 }
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).States.Placeholders.Result.training_max_runtime_seconds == "1800" && jsondecode(aws_sfn_state_machine.this.definition).States.Placeholders.Result.job_volume_size_gb == "50"
    error_message = "The jobs' limits reach the definition."
  }
}

run "accepts_a_min_samples_leaf_row_count" {
  command = plan

  variables {
    jobs = { rf_min_samples_leaf = 5, rf_max_samples = 1 }
  }

  assert {
    condition     = jsondecode(aws_sfn_state_machine.this.definition).States.Placeholders.Result.rf_min_samples_leaf == "5"
    error_message = "A whole row count is passed on as is."
  }
}

run "rejects_bad_endpoint_name" {
  command = plan

  variables {
    endpoint = { name = "bad_name" }
  }

  expect_failures = [var.endpoint]
}

run "rejects_unknown_endpoint_mode" {
  command = plan

  variables {
    endpoint = { name = "ok", mode = "async" }
  }

  expect_failures = [var.endpoint]
}

run "rejects_bad_endpoint_instance_type" {
  command = plan

  variables {
    endpoint = { name = "ok", mode = "instance", instance_type = "m5.large" }
  }

  expect_failures = [var.endpoint]
}

run "rejects_bad_serverless_sizes" {
  command = plan

  variables {
    endpoint = { name = "ok", serverless_memory_mb = 1500 }
  }

  expect_failures = [var.endpoint]
}

run "rejects_bad_endpoint_polling" {
  command = plan

  variables {
    endpoint = { name = "ok", poll_seconds = 1 }
  }

  expect_failures = [var.endpoint]
}

run "bounds_the_workflow_role_when_asked" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"
    error_message = "The workflow role must carry the given permissions boundary."
  }
}
