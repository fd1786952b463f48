terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 7.0"
    }
  }

  # Partial configuration: `terraform init -backend-config=backend.hcl` (see backend.hcl.example and
  # docs/deploy.md). S3 native locking (use_lockfile) needs no DynamoDB table.
  backend "s3" {}
}
