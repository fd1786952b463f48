data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  issuer     = "token.actions.githubusercontent.com"

  oidc_provider_arn = var.create_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : var.oidc_provider_arn
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url            = "https://${local.issuer}"
  client_id_list = ["sts.amazonaws.com"]
  tags           = var.tags
}

# Plan runs on pull requests: read-only on the product's resources, read on the state (and its lock).
data "aws_iam_policy_document" "plan_trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = ["repo:${var.github_repository}:pull_request"]
    }
  }
}

# Apply runs only from a GitHub environment (whose required reviewers gate the job).
data "aws_iam_policy_document" "deploy_trust" {
  for_each = var.environments

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [local.oidc_provider_arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.issuer}:sub"
      values   = ["repo:${var.github_repository}:environment:${each.key}"]
    }
  }
}

resource "aws_iam_role" "plan" {
  name                 = "${var.role_name_prefix}-plan"
  description          = "GitHub Actions: terraform plan on pull requests of ${var.github_repository}."
  assume_role_policy   = data.aws_iam_policy_document.plan_trust.json
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role" "deploy" {
  for_each = var.environments

  name                 = "${var.role_name_prefix}-deploy-${each.key}"
  description          = "GitHub Actions: terraform apply of the ${each.key} environment of ${var.github_repository}."
  assume_role_policy   = data.aws_iam_policy_document.deploy_trust[each.key].json
  max_session_duration = 3600
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_policy" "plan" {
  for_each = local.policy_groups

  name        = "${var.role_name_prefix}-plan-${each.key}"
  description = "Read-only ${each.key} access for terraform plan."
  policy      = data.aws_iam_policy_document.plan[each.key].json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "plan" {
  for_each = local.policy_groups

  role       = aws_iam_role.plan.name
  policy_arn = aws_iam_policy.plan[each.key].arn
}

resource "aws_iam_policy" "deploy" {
  for_each = local.deploy_policies

  name        = "${var.role_name_prefix}-deploy-${each.value.environment}-${each.value.group}"
  description = "${each.value.group} access for terraform apply of ${each.value.environment}."
  policy      = data.aws_iam_policy_document.deploy[each.key].json
  tags        = var.tags
}

resource "aws_iam_role_policy_attachment" "deploy" {
  for_each = local.deploy_policies

  role       = aws_iam_role.deploy[each.value.environment].name
  policy_arn = aws_iam_policy.deploy[each.key].arn
}
