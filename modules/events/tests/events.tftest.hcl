mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix       = "credit-risk-test"
  bucket_name       = "credit-risk-test-raw"
  state_machine_arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:credit-risk-test-workflow"
}

run "rule_matches_created_csv_objects_under_the_prefix" {
  command = plan

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.this.event_pattern) == {
      source        = ["aws.s3"]
      "detail-type" = ["Object Created"]
      detail = {
        bucket = { name = ["credit-risk-test-raw"] }
        object = { key = [{ wildcard = "incoming/*.csv" }] }
      }
    }
    error_message = "The rule must match Object Created events of the raw bucket under incoming/ with a .csv suffix."
  }
}

run "target_starts_the_workflow_with_retries_and_a_dead_letter_queue" {
  command = apply

  assert {
    condition     = aws_cloudwatch_event_target.this.arn == var.state_machine_arn && aws_cloudwatch_event_target.this.role_arn == aws_iam_role.this.arn
    error_message = "The target must be the state machine, through the rule's role."
  }

  assert {
    condition = (
      one(aws_cloudwatch_event_target.this.retry_policy).maximum_retry_attempts == 10 &&
      one(aws_cloudwatch_event_target.this.retry_policy).maximum_event_age_in_seconds == 3600
    )
    error_message = "The default retry policy is 10 attempts within an hour."
  }

  assert {
    condition     = one(aws_cloudwatch_event_target.this.dead_letter_config).arn == aws_sqs_queue.dead_letter.arn && aws_sqs_queue.dead_letter.sqs_managed_sse_enabled
    error_message = "Undelivered events must go to the encrypted dead-letter queue."
  }

  assert {
    condition     = one(data.aws_iam_policy_document.start_execution.statement).actions == toset(["states:StartExecution"]) && one(data.aws_iam_policy_document.start_execution.statement).resources == toset([var.state_machine_arn])
    error_message = "The rule's role may only start this state machine."
  }

  assert {
    condition     = one(one([for s in data.aws_iam_policy_document.dead_letter.statement : s if s.sid == "RuleDeliversFailedEvents"]).condition).values == tolist([aws_cloudwatch_event_rule.this.arn])
    error_message = "Only this rule may send to the dead-letter queue."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name_prefix                   = "-x"
    bucket_name                   = "UPPER_CASE"
    key_prefix                    = "incoming/*"
    key_suffix                    = ""
    state_machine_arn             = "arn:aws:lambda:eu-west-1:123456789012:function:nope"
    retry_policy                  = { maximum_retry_attempts = 500 }
    dead_letter_retention_seconds = 10
    permissions_boundary_arn      = "boundary"
  }

  expect_failures = [
    var.name_prefix, var.bucket_name, var.key_prefix, var.key_suffix, var.state_machine_arn, var.retry_policy,
    var.dead_letter_retention_seconds, var.permissions_boundary_arn,
  ]
}

run "bounds_the_rule_role_when_asked" {
  command = plan

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/credit-risk-test-permissions-boundary"
    error_message = "The rule's role must carry the given permissions boundary."
  }
}

run "leaves_the_rule_role_unbounded_by_default" {
  command = plan

  assert {
    condition     = aws_iam_role.this.permissions_boundary == null
    error_message = "Without a boundary (the local stack) the role has none."
  }
}
