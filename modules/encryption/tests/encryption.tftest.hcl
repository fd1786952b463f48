mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix = "credit-risk-test"
}

run "creates_a_rotating_key_with_an_alias" {
  command = apply

  assert {
    condition     = aws_kms_key.this.enable_key_rotation && aws_kms_key.this.rotation_period_in_days == 365
    error_message = "The key must rotate yearly by default."
  }

  assert {
    condition     = aws_kms_alias.this.name == "alias/credit-risk-test"
    error_message = "The alias must be alias/<name_prefix>."
  }

  assert {
    condition     = output.key_arn == aws_kms_key.this.arn
    error_message = "key_arn must expose the key's ARN."
  }
}

run "lets_cloudwatch_logs_use_the_key_for_this_account_only" {
  command = plan

  assert {
    condition     = one(one([for s in data.aws_iam_policy_document.key.statement : s if s.sid == "CloudWatchLogsEncryptsThisAccountsLogGroups"]).principals).identifiers == toset(["logs.eu-west-1.amazonaws.com"])
    error_message = "CloudWatch Logs of the region must be allowed to use the key."
  }

  assert {
    condition     = one(one([for s in data.aws_iam_policy_document.key.statement : s if s.sid == "CloudWatchLogsEncryptsThisAccountsLogGroups"]).condition).values == tolist(["arn:aws:logs:eu-west-1:123456789012:log-group:*"])
    error_message = "The logs grant must be limited to this account's log groups."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name_prefix             = "Bad_Prefix"
    deletion_window_in_days = 3
    rotation_period_in_days = 30
  }

  expect_failures = [var.name_prefix, var.deletion_window_in_days, var.rotation_period_in_days]
}
