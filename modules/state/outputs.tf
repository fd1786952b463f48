output "claims_table_name" {
  description = "Name of the claims table (PK object_id = <bucket>/<key>/<etag>)."
  value       = aws_dynamodb_table.this["claims"].name
}

output "claims_table_arn" {
  description = "ARN of the claims table."
  value       = aws_dynamodb_table.this["claims"].arn
}

output "approvals_table_name" {
  description = "Name of the approvals table (PK token_hash, TTL attribute ttl)."
  value       = aws_dynamodb_table.this["approvals"].name
}

output "approvals_table_arn" {
  description = "ARN of the approvals table."
  value       = aws_dynamodb_table.this["approvals"].arn
}

output "idempotency_table_name" {
  description = "Name of the Powertools idempotency table (PK id, TTL attribute expiration)."
  value       = aws_dynamodb_table.this["idempotency"].name
}

output "idempotency_table_arn" {
  description = "ARN of the Powertools idempotency table."
  value       = aws_dynamodb_table.this["idempotency"].arn
}
