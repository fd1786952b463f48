output "rule_name" {
  description = "Name of the EventBridge rule."
  value       = aws_cloudwatch_event_rule.this.name
}

output "rule_arn" {
  description = "ARN of the EventBridge rule."
  value       = aws_cloudwatch_event_rule.this.arn
}

output "rule_event_pattern" {
  description = "Event pattern of the rule (JSON)."
  value       = aws_cloudwatch_event_rule.this.event_pattern
}

output "role_arn" {
  description = "ARN of the role the rule uses to start the workflow."
  value       = aws_iam_role.this.arn
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue of undelivered events."
  value       = aws_sqs_queue.dead_letter.arn
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue."
  value       = aws_sqs_queue.dead_letter.url
}

output "rule_target_arn" {
  description = "ARN the rule delivers to (the state machine)."
  value       = aws_cloudwatch_event_target.this.arn
}
