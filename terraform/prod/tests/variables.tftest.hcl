# The root's own variable checks, with a mocked provider (the modules' checks have their own tests).
mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  name_prefix        = "credit-risk-test"
  code_version       = "0123abc"
  lambda_package_dir = "../../modules/functions/tests/fixtures"
}

run "plans_with_valid_values" {
  command = plan
}

run "rejects_a_region_that_is_not_a_region_code" {
  command = plan

  variables {
    region = "Ireland"
  }

  expect_failures = [var.region]
}

run "rejects_a_fractional_powertools_layer_version" {
  command = plan

  variables {
    powertools_layer_version = 2.5
  }

  expect_failures = [var.powertools_layer_version]
}

run "rejects_a_powertools_layer_version_of_zero" {
  command = plan

  variables {
    powertools_layer_version = 0
  }

  expect_failures = [var.powertools_layer_version]
}
