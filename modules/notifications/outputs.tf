output "topic_arn" {
  description = "ARN of the notifications topic."
  value       = aws_sns_topic.this.arn
}

output "topic_name" {
  description = "Name of the notifications topic."
  value       = aws_sns_topic.this.name
}

output "subscription_arns" {
  description = "Subscription ARN per email address (\"pending confirmation\" until the address confirms)."
  value       = { for address, subscription in aws_sns_topic_subscription.email : address => subscription.arn }
}
