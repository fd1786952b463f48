mock_provider "aws" {
  source = "../../tests/infra/mocks"
}

variables {
  github_repository = "lender/credit-risk-mlops"
  state_bucket_name = "credit-risk-tfstate-123456789012"
  environments = {
    dev  = { name_prefix = "credit-risk-dev" }
    prod = { name_prefix = "credit-risk-prod" }
  }
}

run "plan_role_trusts_pull_requests_of_the_repository_only" {
  command = apply

  assert {
    condition = {
      for c in one(data.aws_iam_policy_document.plan_trust.statement).condition : c.variable => c.values
      } == {
      "token.actions.githubusercontent.com:aud" = tolist(["sts.amazonaws.com"])
      "token.actions.githubusercontent.com:sub" = tolist(["repo:lender/credit-risk-mlops:pull_request"])
    }
    error_message = "The plan role must trust only this repository's pull requests, for STS."
  }

  assert {
    condition     = one(one(data.aws_iam_policy_document.plan_trust.statement).principals).identifiers == toset([aws_iam_openid_connect_provider.github[0].arn])
    error_message = "The plan role must trust the GitHub OIDC provider."
  }
}

run "deploy_roles_trust_their_github_environment_only" {
  command = apply

  assert {
    condition = {
      for environment, document in data.aws_iam_policy_document.deploy_trust :
      environment => one([for c in one(document.statement).condition : c.values if c.variable == "token.actions.githubusercontent.com:sub"])
      } == {
      dev  = tolist(["repo:lender/credit-risk-mlops:environment:dev"])
      prod = tolist(["repo:lender/credit-risk-mlops:environment:prod"])
    }
    error_message = "Each deploy role must trust only jobs running in its GitHub environment."
  }

  assert {
    condition     = toset(keys(aws_iam_role_policy_attachment.deploy)) == toset(["dev-data", "dev-compute", "dev-iam", "prod-data", "prod-compute", "prod-iam"])
    error_message = "Each environment gets its data, compute and iam policies."
  }
}

run "deploy_policies_are_scoped_to_their_environment" {
  command = plan

  assert {
    condition     = one([for s in data.aws_iam_policy_document.deploy["prod-iam"].statement : s if s.sid == "ManageIam"]).resources == toset(["arn:aws:iam::123456789012:role/credit-risk-prod-*"])
    error_message = "The prod deploy role may only manage prod roles."
  }

  assert {
    condition     = one([for s in data.aws_iam_policy_document.deploy["dev-data"].statement : s if s.sid == "ReadWriteOwnState"]).resources == toset(["arn:aws:s3:::credit-risk-tfstate-123456789012/dev/*"])
    error_message = "The dev deploy role may only write the dev state."
  }

  assert {
    condition     = one(one([for s in data.aws_iam_policy_document.deploy["dev-iam"].statement : s if s.sid == "PassProductRolesToTheirServices"]).condition).variable == "iam:PassedToService"
    error_message = "PassRole must be limited to the product's services."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.plan["compute"].statement : alltrue([for action in s.actions : length(regexall("(Create|Delete|Put|Update)", action)) == 0])])
    error_message = "The plan role must not change anything."
  }
}

run "deploy_role_creates_and_edits_roles_only_with_the_environment_boundary" {
  command = plan

  assert {
    condition = {
      for s in data.aws_iam_policy_document.deploy["prod-iam"].statement : s.sid => {
        actions   = s.actions
        variable  = one(s.condition).variable
        values    = one(s.condition).values
        resources = s.resources
      } if s.sid == "ManageBoundedRoles"
      } == {
      ManageBoundedRoles = {
        actions   = toset(["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary"])
        variable  = "iam:PermissionsBoundary"
        values    = tolist(["arn:aws:iam::123456789012:policy/credit-risk-prod-permissions-boundary"])
        resources = toset(["arn:aws:iam::123456789012:role/credit-risk-prod-*"])
      }
    }
    error_message = "CreateRole, PutRolePolicy and DeleteRolePolicy must require the prod boundary on prod roles."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.deploy["prod-iam"].statement :
      length(setintersection(s.actions, ["iam:CreateRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy"])) == 0
      if s.effect != "Deny" && s.sid != "ManageBoundedRoles"
    ])
    error_message = "No other statement may grant role creation or policy changes without the boundary condition."
  }

  assert {
    condition = (
      one([for s in data.aws_iam_policy_document.deploy["dev-iam"].statement : s if s.sid == "DenyRemovingBoundaries"]).effect == "Deny" &&
      one([for s in data.aws_iam_policy_document.deploy["dev-iam"].statement : s if s.sid == "DenyRemovingBoundaries"]).actions == toset(["iam:DeleteRolePermissionsBoundary"])
    )
    error_message = "Removing a role's boundary must be denied."
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.deploy["dev-iam"].statement : {
        effect    = s.effect
        guarded   = length(setintersection(s.actions, ["iam:PutRolePermissionsBoundary", "iam:CreateRole", "iam:PutRolePolicy"])) == 3
        condition = [for c in s.condition : [c.test, c.variable, c.values]]
      } if s.sid == "DenyRolesWithAnotherBoundary"
      ] == [{
        effect    = "Deny"
        guarded   = true
        condition = [["StringNotEquals", "iam:PermissionsBoundary", tolist(["arn:aws:iam::123456789012:policy/credit-risk-dev-permissions-boundary"])]]
    }]
    error_message = "Putting another boundary on a role, or creating one without the dev boundary, must be denied."
  }

  assert {
    condition = anytrue([
      for s in data.aws_iam_policy_document.deploy["dev-iam"].statement :
      s.effect == "Deny" && s.actions == toset(["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"]) &&
      contains(s.resources, "arn:aws:iam::123456789012:policy/credit-risk-dev-permissions-boundary")
    ])
    error_message = "The boundary policy itself must not be changeable or deletable by the deploy role."
  }
}

run "boundary_caps_each_environment_and_grants_no_iam_but_passrole" {
  command = apply

  assert {
    condition     = { for environment, policy in aws_iam_policy.boundary : environment => policy.name } == { dev = "credit-risk-dev-permissions-boundary", prod = "credit-risk-prod-permissions-boundary" }
    error_message = "Each environment gets its <name_prefix>-permissions-boundary policy."
  }

  assert {
    condition     = keys(output.permissions_boundary_arns) == ["dev", "prod"]
    error_message = "The boundary ARNs are an output per environment."
  }

  assert {
    condition = flatten([
      for s in data.aws_iam_policy_document.boundary["prod"].statement : [for action in s.actions : action if startswith(action, "iam:")]
    ]) == ["iam:PassRole"]
    error_message = "The boundary's one IAM action is PassRole."
  }

  assert {
    condition = [
      for s in data.aws_iam_policy_document.boundary["prod"].statement : {
        resources = s.resources
        condition = { for c in s.condition : c.variable => c.values }
      } if contains(s.actions, "iam:PassRole")
      ] == [{
        resources = toset(["arn:aws:iam::123456789012:role/credit-risk-prod-*"])
        condition = { "iam:PassedToService" = tolist(["sagemaker.amazonaws.com"]) }
    }]
    error_message = "The boundary lets roles pass only the environment's roles, only to SageMaker."
  }

  assert {
    condition = alltrue([
      for s in data.aws_iam_policy_document.boundary["prod"].statement :
      alltrue([for action in s.actions : !endswith(action, "*")]) && s.effect != "Deny"
    ])
    error_message = "The boundary lists actions one by one (no wildcards)."
  }
}

run "uses_an_existing_provider_when_asked" {
  command = plan

  variables {
    create_oidc_provider = false
    oidc_provider_arn    = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && output.oidc_provider_arn == var.oidc_provider_arn
    error_message = "No provider is created when one exists."
  }
}

run "rejects_invalid_inputs" {
  command = plan

  variables {
    github_repository        = "no-slash"
    role_name_prefix         = "has space"
    state_bucket_name        = "Bad"
    oidc_provider_arn        = "arn:aws:iam::123456789012:oidc-provider/example.com"
    permissions_boundary_arn = "x"
  }

  expect_failures = [var.github_repository, var.role_name_prefix, var.state_bucket_name, var.oidc_provider_arn, var.permissions_boundary_arn]
}

run "rejects_a_missing_provider_arn" {
  command = plan

  variables {
    create_oidc_provider = false
  }

  expect_failures = [var.oidc_provider_arn]
}

run "rejects_empty_or_badly_named_environments" {
  command = plan

  variables {
    environments = {}
  }

  expect_failures = [var.environments]
}

run "rejects_bad_environment_prefixes" {
  command = plan

  variables {
    environments = { dev = { name_prefix = "Dev" } }
  }

  expect_failures = [var.environments]
}
