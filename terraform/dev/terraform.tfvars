# The dev environment: cheap to tear down. Emails come from TF_VAR_notification_emails.
name_prefix           = "credit-risk-dev"
force_destroy_buckets = true
deletion_protection   = false
