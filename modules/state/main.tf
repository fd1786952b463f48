locals {
  # Key and TTL attribute of each table (docs/design/interfaces.md, section 2).
  tables = {
    claims = {
      hash_key      = "object_id"
      ttl_attribute = "ttl"
    }
    approvals = {
      hash_key      = "token_hash"
      ttl_attribute = "ttl"
    }
    idempotency = {
      hash_key      = "id"
      ttl_attribute = "expiration"
    }
  }
}

resource "aws_dynamodb_table" "this" {
  for_each = local.tables

  name                        = "${var.name_prefix}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = each.value.hash_key
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = each.value.hash_key
    type = "S"
  }

  ttl {
    attribute_name = each.value.ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  tags = var.tags
}
