terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 7.0"
    }
  }

  # Local state: the local stack keeps it in its own directory (terraform -chdir with -state or a
  # copy of this root).
}
