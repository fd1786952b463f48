terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.80, < 7.0"
    }
  }

  # The bootstrap state stays local on first apply (the bucket does not exist yet); docs/deploy.md
  # shows how to move it into the bucket it created.
}
