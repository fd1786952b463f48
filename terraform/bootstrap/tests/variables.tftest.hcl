# The root's own variable checks, with a mocked provider (the modules' checks have their own tests).
mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  github_repository = "example-org/credit-risk-mlops"
}

run "plans_with_valid_values" {
  command = plan
}

run "rejects_a_region_that_is_not_a_region_code" {
  command = plan

  variables {
    region = "eu_west_1"
  }

  expect_failures = [var.region]
}
