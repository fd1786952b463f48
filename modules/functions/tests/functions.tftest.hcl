mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix            = "credit-risk-test"
  package_dir            = "./tests/fixtures"
  powertools_layer_arn   = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3-python311-x86_64:27"
  kms_key_arn            = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  feature_group_name     = "credit-risk-test-loans"
  endpoint_name          = "credit-risk-test-credit-risk"
  state_machine_name     = "credit-risk-test-workflow"
  approvals_table_name   = "credit-risk-test-approvals"
  approvals_table_arn    = "arn:aws:dynamodb:eu-west-1:123456789012:table/credit-risk-test-approvals"
  idempotency_table_name = "credit-risk-test-idempotency"
  idempotency_table_arn  = "arn:aws:dynamodb:eu-west-1:123456789012:table/credit-risk-test-idempotency"
  topic_arn              = "arn:aws:sns:eu-west-1:123456789012:credit-risk-test-notifications"
  artifacts_bucket_name  = "credit-risk-test-artifacts"
  artifacts_bucket_arn   = "arn:aws:s3:::credit-risk-test-artifacts"
}

run "builds_the_five_functions_from_the_build_zips" {
  command = plan

  assert {
    condition = {
      for name, function in aws_lambda_function.this : name => [function.function_name, function.handler, function.filename]
      } == {
      features_api     = ["credit-risk-test-features-api", "lambdas.features_api.handler.handler", "./tests/fixtures/features_api.zip"]
      predictions_api  = ["credit-risk-test-predictions-api", "lambdas.predictions_api.handler.handler", "./tests/fixtures/predictions_api.zip"]
      approvals_api    = ["credit-risk-test-approvals-api", "lambdas.approvals_api.handler.handler", "./tests/fixtures/approvals_api.zip"]
      approval_request = ["credit-risk-test-approval-request", "lambdas.approval_request.handler.handler", "./tests/fixtures/approval_request.zip"]
      notify           = ["credit-risk-test-notify", "lambdas.notify.handler.handler", "./tests/fixtures/notify.zip"]
    }
    error_message = "Each package of lambdas/ becomes one function with handler lambdas.<pkg>.handler.handler from build/lambdas/<pkg>.zip."
  }

  assert {
    condition = alltrue([
      for function in aws_lambda_function.this :
      function.runtime == "python3.11" && one(function.tracing_config).mode == "Active" &&
      function.layers == tolist([var.powertools_layer_arn]) && function.kms_key_arn == var.kms_key_arn &&
      one(function.logging_config).log_format == "JSON"
    ])
    error_message = "Every function runs Python 3.11 with the Powertools layer, active tracing, JSON logs and an encrypted environment."
  }

  assert {
    condition     = aws_lambda_function.this["predictions_api"].environment[0].variables.ENDPOINT_NAME == var.endpoint_name && aws_lambda_function.this["approval_request"].environment[0].variables.NOTIFICATION_TOPIC_ARN == var.topic_arn
    error_message = "Each function gets the settings of docs/design/interfaces.md section 7."
  }

  assert {
    condition     = alltrue([for group in aws_cloudwatch_log_group.this : group.retention_in_days == 365 && group.kms_key_id == var.kms_key_arn])
    error_message = "Every log group keeps a year of encrypted logs by default."
  }
}

run "grants_each_function_only_what_it_uses" {
  command = plan

  assert {
    condition     = one([for s in data.aws_iam_policy_document.specific["approvals_api"].statement : s if s.sid == "ResumeWorkflow"]).resources == toset(["arn:aws:states:eu-west-1:123456789012:stateMachine:credit-risk-test-workflow"])
    error_message = "The approvals API may resume only the workflow, by the ARN built from its name."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.specific["approvals_api"].statement : s if s.sid == "ResumeWorkflow"]).actions == toset(["states:SendTaskSuccess", "states:SendTaskFailure"])
    error_message = "The approvals API needs SendTaskSuccess and SendTaskFailure."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.specific["predictions_api"].statement : s if s.sid == "InvokeModelEndpoint"]).resources == toset(["arn:aws:sagemaker:eu-west-1:123456789012:endpoint/credit-risk-test-credit-risk"])
    error_message = "The predictions API may invoke the product's endpoint only."
  }

  assert {
    condition = jsonencode({
      for name, document in data.aws_iam_policy_document.specific : name => sort([for s in document.statement : s.sid])
      }) == jsonencode({
      features_api     = ["ReadOnlineStore"]
      predictions_api  = ["InvokeModelEndpoint", "ReadOnlineStore"]
      approvals_api    = ["DecideApprovals", "ReadReviewMaterial", "ResumeWorkflow"]
      approval_request = ["PowertoolsIdempotency", "PublishEmails", "ReadTrainingOutput", "StoreApprovals", "WriteReviewMaterial"]
      notify           = ["PowertoolsIdempotency", "PublishEmails"]
    })
    error_message = "Each function gets exactly the permissions of docs/design/interfaces.md section 7."
  }

  assert {
    condition = jsonencode({
      for name, function in aws_lambda_function.this : name => sort(keys(function.environment[0].variables))
      }) == jsonencode({
      features_api     = ["FEATURE_GROUP_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_SERVICE_NAME"]
      predictions_api  = ["ENDPOINT_NAME", "FEATURE_GROUP_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_SERVICE_NAME"]
      approvals_api    = ["APPROVALS_TABLE_NAME", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_SERVICE_NAME"]
      approval_request = ["APPROVALS_TABLE_NAME", "ARTIFACTS_BUCKET", "IDEMPOTENCY_TABLE_NAME", "NOTIFICATION_TOPIC_ARN", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_SERVICE_NAME"]
      notify           = ["IDEMPOTENCY_TABLE_NAME", "NOTIFICATION_TOPIC_ARN", "POWERTOOLS_LOG_LEVEL", "POWERTOOLS_SERVICE_NAME"]
    })
    error_message = "Each function gets exactly the settings of docs/design/interfaces.md section 7."
  }
}

run "works_without_a_layer_for_the_local_stack" {
  command = plan

  variables {
    powertools_layer_arn = null
  }

  assert {
    condition     = alltrue([for function in aws_lambda_function.this : length(function.layers) == 0])
    error_message = "No layer when powertools_layer_arn is null."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name_prefix              = "Bad"
    package_dir              = "build/lambdas/"
    runtime                  = "python3.9"
    powertools_layer_arn     = "arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3"
    log_level                = "TRACE"
    log_retention_days       = 10
    kms_key_arn              = "key"
    feature_group_name       = "bad name"
    endpoint_name            = "bad_name"
    state_machine_name       = "bad name"
    approvals_table_name     = "x"
    approvals_table_arn      = "arn:aws:dynamodb:eu-west-1:123456789012:stream/x"
    idempotency_table_name   = "y"
    idempotency_table_arn    = "table"
    topic_arn                = "arn:aws:sqs:eu-west-1:123456789012:q"
    artifacts_bucket_name    = "A"
    artifacts_bucket_arn     = "arn:aws:s3:::A"
    permissions_boundary_arn = "policy"
  }

  expect_failures = [
    var.name_prefix, var.package_dir, var.runtime, var.powertools_layer_arn, var.log_level,
    var.log_retention_days, var.kms_key_arn, var.feature_group_name, var.endpoint_name, var.state_machine_name,
    var.approvals_table_name, var.approvals_table_arn, var.idempotency_table_name, var.idempotency_table_arn,
    var.topic_arn, var.artifacts_bucket_name, var.artifacts_bucket_arn, var.permissions_boundary_arn,
  ]
}

run "rejects_missing_functions" {
  command = plan

  variables {
    function_settings = { features_api = { description = "only one" } }
  }

  expect_failures = [var.function_settings]
}

run "rejects_out_of_range_function_settings" {
  command = plan

  variables {
    function_settings = {
      features_api     = { description = "x", memory_mb = 64 }
      predictions_api  = { description = "x" }
      approvals_api    = { description = "x" }
      approval_request = { description = "x", timeout_seconds = 1000 }
      notify           = { description = "x" }
    }
  }

  expect_failures = [var.function_settings]
}

run "bounds_every_function_role_when_asked" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"
  }

  assert {
    condition     = length(aws_iam_role.this) == 5 && alltrue([for role in aws_iam_role.this : role.permissions_boundary == "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"])
    error_message = "Every function role must carry the given permissions boundary."
  }
}
