# The wiring between the modules, with a mocked provider: apply gives every resource its mocked
# attributes, overridden below where distinct ARNs make the wiring visible.
mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

override_resource {
  target = module.functions.aws_lambda_function.this["approval_request"]
  values = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-approval-request" }
}

override_resource {
  target = module.functions.aws_lambda_function.this["notify"]
  values = { arn = "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-notify" }
}

override_resource {
  target = module.functions.aws_lambda_function.this["features_api"]
  values = { invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-features-api/invocations" }
}

override_resource {
  target = module.workflow.aws_sfn_state_machine.this
  values = { arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:credit-risk-test-workflow" }
}

override_resource {
  target = module.raw_bucket.aws_s3_bucket.this
  values = { id = "credit-risk-test-123456789012-raw", arn = "arn:aws:s3:::credit-risk-test-123456789012-raw" }
}

override_resource {
  target = module.artifacts_bucket.aws_s3_bucket.this
  values = { id = "credit-risk-test-123456789012-artifacts", arn = "arn:aws:s3:::credit-risk-test-123456789012-artifacts" }
}

variables {
  name_prefix              = "credit-risk-test"
  definition_template_path = "../workflow/tests/fixtures/statemachine.asl.json"
  lambda_package_dir       = "../functions/tests/fixtures"
  code_version             = "0123abc"
  notification_emails      = ["reviewer@example.com"]
}

run "wires_the_pipeline_together" {
  command = apply

  assert {
    condition     = module.raw_bucket.bucket_eventbridge_enabled && !module.artifacts_bucket.bucket_eventbridge_enabled
    error_message = "Only the raw bucket sends its events to EventBridge."
  }

  assert {
    condition     = jsondecode(module.events.rule_event_pattern).detail.bucket.name == [output.raw_bucket_name] && output.raw_bucket_name == "credit-risk-test-123456789012-raw"
    error_message = "The rule must listen to the raw bucket."
  }

  assert {
    condition     = module.events.rule_target_arn == output.state_machine_arn
    error_message = "The rule must start the workflow."
  }

  assert {
    condition = (
      jsondecode(module.workflow.state_machine_definition).States.Placeholders.Result.approval_function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-approval-request" &&
      jsondecode(module.workflow.state_machine_definition).States.Placeholders.Result.notify_function_arn == "arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-notify" &&
      jsondecode(module.workflow.state_machine_definition).States.Placeholders.Result.api_base_url == output.api_endpoint &&
      jsondecode(module.workflow.state_machine_definition).States.Placeholders.Result.claims_table_name == output.table_names.claims &&
      jsondecode(module.workflow.state_machine_definition).States.Placeholders.Result.feature_group_name == output.feature_group_name &&
      jsondecode(module.workflow.state_machine_definition).States.Placeholders.Result.code_s3_prefix == "s3://credit-risk-test-123456789012-artifacts/code/0123abc"
    )
    error_message = "The definition must be rendered with the real function ARNs, API URL, table, feature group and code prefix."
  }

  assert {
    condition     = module.api.api_integration_uris.features_api == "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:credit-risk-test-features-api/invocations"
    error_message = "GET /features/{id} must reach the features function."
  }

  assert {
    condition     = output.state_machine_name == "credit-risk-test-workflow" && output.state_machine_arn == "arn:aws:states:eu-west-1:123456789012:stateMachine:${output.state_machine_name}"
    error_message = "The ARN the approvals function is granted (built from the name) must be the workflow's."
  }

  assert {
    condition     = output.function_names.approvals_api == "credit-risk-test-approvals-api" && output.endpoint_name == "credit-risk-test-credit-risk"
    error_message = "Names derive from the prefix."
  }
}

run "rejects_a_prefix_too_long_for_derived_names" {
  command = plan

  variables {
    name_prefix = "credit-risk-much-too-long-prefix"
  }

  expect_failures = [var.name_prefix]
}

run "links_use_the_given_api_base_url" {
  command = apply

  variables {
    api_base_url = "http://127.0.0.1:8080"
  }

  assert {
    condition     = jsondecode(module.workflow.state_machine_definition).States.Placeholders.Result.api_base_url == "http://127.0.0.1:8080"
    error_message = "The emails' links must use api_base_url when it is set (the local stack's gateway)."
  }
}

run "rejects_an_api_base_url_with_a_trailing_slash" {
  command = plan

  variables {
    api_base_url = "http://127.0.0.1:8080/"
  }

  expect_failures = [var.api_base_url]
}

run "rejects_a_boundary_that_is_not_a_policy_arn" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:role/credit-risk-test-permissions-boundary"
  }

  expect_failures = [var.permissions_boundary_arn]
}
