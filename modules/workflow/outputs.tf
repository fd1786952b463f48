output "state_machine_arn" {
  description = "ARN of the workflow state machine."
  value       = aws_sfn_state_machine.this.arn
}

output "state_machine_name" {
  description = "Name of the workflow state machine."
  value       = aws_sfn_state_machine.this.name
}

output "state_machine_definition" {
  description = "The rendered definition (statemachine.asl.json with every placeholder filled)."
  value       = aws_sfn_state_machine.this.definition
}

output "state_machine_role_arn" {
  description = "ARN of the workflow's role."
  value       = aws_iam_role.this.arn
}

output "state_machine_log_group_name" {
  description = "Name of the execution log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "state_machine_placeholders" {
  description = "The values given to templatefile() (docs/design/interfaces.md section 4)."
  value       = local.placeholders
}
