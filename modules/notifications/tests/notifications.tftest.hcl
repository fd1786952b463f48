mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix     = "credit-risk-test"
  kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  email_addresses = ["reviewer@example.com", "ops@example.com"]
}

run "creates_an_encrypted_topic_with_email_subscriptions" {
  command = plan

  assert {
    condition     = aws_sns_topic.this.name == "credit-risk-test-notifications" && aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "The topic must be named after the prefix and encrypted with the key."
  }

  assert {
    condition     = toset(keys(aws_sns_topic_subscription.email)) == toset(var.email_addresses) && alltrue([for s in aws_sns_topic_subscription.email : s.protocol == "email"])
    error_message = "Each address must get one email subscription."
  }

  assert {
    condition     = contains([for s in data.aws_iam_policy_document.topic.statement : s.sid if s.effect == "Deny"], "DenyInsecureTransport")
    error_message = "The topic policy must deny publishing without TLS."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name_prefix     = "UPPER"
    kms_key_arn     = "not-an-arn"
    email_addresses = ["not-an-address"]
  }

  expect_failures = [var.name_prefix, var.kms_key_arn, var.email_addresses]
}
