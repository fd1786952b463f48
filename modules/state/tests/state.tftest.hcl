mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix = "credit-risk-test"
  kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
}

run "creates_the_three_tables_of_interfaces_md" {
  command = plan

  assert {
    condition = {
      for name, table in aws_dynamodb_table.this : name => [table.name, table.hash_key, one(table.ttl).attribute_name]
      } == {
      claims      = ["credit-risk-test-claims", "object_id", "ttl"]
      approvals   = ["credit-risk-test-approvals", "token_hash", "ttl"]
      idempotency = ["credit-risk-test-idempotency", "id", "expiration"]
    }
    error_message = "Tables, keys and TTL attributes must match docs/design/interfaces.md section 2."
  }

  assert {
    condition = alltrue([
      for table in aws_dynamodb_table.this :
      one(table.point_in_time_recovery).enabled && one(table.server_side_encryption).enabled &&
      one(table.server_side_encryption).kms_key_arn == var.kms_key_arn && table.billing_mode == "PAY_PER_REQUEST" &&
      table.deletion_protection_enabled
    ])
    error_message = "Every table needs PITR, the customer managed key, on-demand billing and deletion protection."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    name_prefix = "x"
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:alias/nope"
  }

  expect_failures = [var.name_prefix, var.kms_key_arn]
}
