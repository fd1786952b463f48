# The prod environment: data is kept on destroy. Emails come from TF_VAR_notification_emails.
name_prefix           = "credit-risk-prod"
force_destroy_buckets = false
deletion_protection   = true
