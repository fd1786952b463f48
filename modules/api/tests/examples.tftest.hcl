# Plans every example of this module with the mocked provider: a plan validates the example and
# evaluates its inputs against the module's validations (cheaper than an init + validate each).
mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

run "example_jwt_authorizer_plans" {
  command = plan

  module {
    source = "./examples/jwt_authorizer"
  }
}
