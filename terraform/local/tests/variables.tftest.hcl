# The root's own variable checks, with a mocked provider (the modules' checks have their own tests).
mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  lambda_package_dir = "../../modules/functions/tests/fixtures"
}

run "plans_with_valid_values" {
  command = plan
}

run "rejects_an_endpoint_url_with_a_path" {
  command = plan

  variables {
    endpoint_url = "http://127.0.0.1:4566/api"
  }

  expect_failures = [var.endpoint_url]
}

run "rejects_an_unknown_service_endpoint" {
  command = plan

  variables {
    service_endpoints = { elasticache = "http://127.0.0.1:4566" }
  }

  expect_failures = [var.service_endpoints]
}

run "rejects_a_service_endpoint_that_is_not_a_url" {
  command = plan

  variables {
    service_endpoints = { s3 = "127.0.0.1:4566" }
  }

  expect_failures = [var.service_endpoints]
}
