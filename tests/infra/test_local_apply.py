"""Apply the local root against the AWS emulator and check what it built, then plan again: the
emulator must report back exactly what was applied (no drift), as the local stack re-applies.

One test (about three minutes: the provider waits out S3 lifecycle and SQS consistency checks):
pytest-xdist would run a shared fixture once per worker, that is, apply twice.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

from local_stack.terraform_runner import local_root_variables
from tests.fixtures.terraform import Terraform

pytestmark = [pytest.mark.terraform, pytest.mark.slow]

FUNCTIONS = ("features_api", "predictions_api", "approvals_api", "approval_request", "notify")


@dataclass(frozen=True)
class LocalDeployment:
    root: Path
    variables: list[str]
    outputs: dict[str, Any]
    endpoint_url: str

    def client(self, service: str) -> Any:
        factory: Any = boto3.client  # the service name is a variable: no typed overload applies
        return factory(service, endpoint_url=self.endpoint_url, region_name="eu-west-1")


def apply_local_root(
    terraform: Terraform, terraform_tree: Path, aws_emulator: str
) -> LocalDeployment:
    root = terraform_tree / "terraform" / "local"
    fixture_zips = terraform_tree / "modules/functions/tests/fixtures"
    variables = local_root_variables(terraform_tree, aws_emulator, fixture_zips)
    terraform.init(root)
    terraform.run(["apply", "-auto-approve", "-no-color", *variables], root, timeout=900)
    outputs = json.loads(terraform.run(["output", "-json"], root))
    return LocalDeployment(
        root, variables, {k: v["value"] for k, v in outputs.items()}, aws_emulator
    )


def _check_raw_bucket_sends_events_to_eventbridge_encrypted(
    local_deployment: LocalDeployment,
) -> None:
    s3 = local_deployment.client("s3")
    bucket = local_deployment.outputs["raw_bucket_name"]
    assert "EventBridgeConfiguration" in s3.get_bucket_notification_configuration(Bucket=bucket)
    rule = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]["Rules"][0]
    assert rule["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert all(s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"].values())


def _check_rule_sends_raw_csv_objects_to_the_workflow(local_deployment: LocalDeployment) -> None:
    events = local_deployment.client("events")
    [rule] = events.list_rules(NamePrefix="credit-risk-local-raw-object-created")["Rules"]
    pattern = json.loads(rule["EventPattern"])
    assert pattern["detail"]["bucket"]["name"] == [local_deployment.outputs["raw_bucket_name"]]
    assert pattern["detail"]["object"]["key"] == [{"wildcard": "incoming/*.csv"}]
    [target] = events.list_targets_by_rule(Rule=rule["Name"])["Targets"]
    assert target["Arn"] == local_deployment.outputs["state_machine_arn"]
    assert target["DeadLetterConfig"]["Arn"].endswith(":credit-risk-local-raw-object-created-dlq")
    assert target["RetryPolicy"]["MaximumRetryAttempts"] == 10


def _check_state_machine_holds_the_rendered_definition(local_deployment: LocalDeployment) -> None:
    described = local_deployment.client("stepfunctions").describe_state_machine(
        stateMachineArn=local_deployment.outputs["state_machine_arn"]
    )
    placeholders = local_deployment.outputs["workflow_placeholders"]
    template = (local_deployment.root.parent.parent / "statemachine.asl.json").read_text(
        encoding="utf-8"
    )
    expected = re.sub(r"\$\{(\w+)\}", lambda match: placeholders[match.group(1)], template)
    assert json.loads(described["definition"]) == json.loads(expected)
    assert "${" not in described["definition"]
    assert placeholders["approval_function_arn"].endswith(
        ":function:credit-risk-local-approval-request"
    )
    assert described["type"] == "STANDARD"
    assert described["tracingConfiguration"]["enabled"] is True


def _check_tables_have_their_keys_and_ttl(local_deployment: LocalDeployment) -> None:
    dynamodb = local_deployment.client("dynamodb")
    keys = {
        "claims": ("object_id", "ttl"),
        "approvals": ("token_hash", "ttl"),
        "idempotency": ("id", "expiration"),
    }
    for table, name in local_deployment.outputs["table_names"].items():
        description = dynamodb.describe_table(TableName=name)["Table"]
        assert description["KeySchema"] == [{"AttributeName": keys[table][0], "KeyType": "HASH"}]
        ttl = dynamodb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert ttl["AttributeName"] == keys[table][1]


def _check_topic_has_the_email_subscription(local_deployment: LocalDeployment) -> None:
    sns = local_deployment.client("sns")
    topic_arn = local_deployment.outputs["topic_arn"]
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic_arn)["Subscriptions"]
    assert [(s["Protocol"], s["Endpoint"]) for s in subscriptions] == [
        ("email", "reviewer@example.com")
    ]


def _check_feature_group_has_online_and_offline_stores(local_deployment: LocalDeployment) -> None:
    described = local_deployment.client("sagemaker").describe_feature_group(
        FeatureGroupName=local_deployment.outputs["feature_group_name"]
    )
    assert described["RecordIdentifierFeatureName"] == "id"
    assert described["EventTimeFeatureName"] == "loan_date"
    assert described["OnlineStoreConfig"]["EnableOnlineStore"] is True
    assert described["OfflineStoreConfig"]["S3StorageConfig"]["S3Uri"].endswith(
        "-artifacts/feature-store"
    )


def _check_functions_have_their_handlers_and_settings(local_deployment: LocalDeployment) -> None:
    lambda_client = local_deployment.client("lambda")
    for package, name in local_deployment.outputs["function_names"].items():
        configuration = lambda_client.get_function_configuration(FunctionName=name)
        assert configuration["Handler"] == f"lambdas.{package}.handler.handler"
        assert configuration["Environment"]["Variables"]["POWERTOOLS_SERVICE_NAME"] == package
    assert set(local_deployment.outputs["function_names"]) == set(FUNCTIONS)


def _check_api_routes_reach_their_functions(local_deployment: LocalDeployment) -> None:
    api = local_deployment.client("apigatewayv2")
    api_id = local_deployment.outputs["api_id"]
    integrations = {
        i["IntegrationId"]: i["IntegrationUri"] for i in api.get_integrations(ApiId=api_id)["Items"]
    }
    names = local_deployment.outputs["function_names"]
    routes = {}
    for route in api.get_routes(ApiId=api_id)["Items"]:
        uri = integrations[route["Target"].removeprefix("integrations/")]
        package = next(package for package, name in names.items() if f":function:{name}/" in uri)
        routes[route["RouteKey"]] = (package, route["AuthorizationType"])
    assert routes == {
        "GET /features/{id}": ("features_api", "AWS_IAM"),
        "GET /predictions/{id}": ("predictions_api", "AWS_IAM"),
        "GET /approvals/{token}": ("approvals_api", "NONE"),
        "POST /approvals/{token}": ("approvals_api", "NONE"),
    }


def test_local_root_applies_against_the_emulator(
    terraform: Terraform, terraform_tree: Path, aws_emulator: str
) -> None:
    deployment = apply_local_root(terraform, terraform_tree, aws_emulator)
    for check in (
        _check_raw_bucket_sends_events_to_eventbridge_encrypted,
        _check_rule_sends_raw_csv_objects_to_the_workflow,
        _check_state_machine_holds_the_rendered_definition,
        _check_tables_have_their_keys_and_ttl,
        _check_topic_has_the_email_subscription,
        _check_feature_group_has_online_and_offline_stores,
        _check_functions_have_their_handlers_and_settings,
        _check_api_routes_reach_their_functions,
    ):
        check(deployment)
    second_plan = terraform.run(["plan", "-no-color", *deployment.variables], deployment.root)
    assert "No changes." in second_plan
