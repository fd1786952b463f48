"""The emulator's additions, exercised in-process through moto's mock and boto3."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any, Literal

import boto3
import pytest
from moto import mock_aws

from local_stack.emulator.additions import (
    DELIVERY,
    configure,
    install_additions,
    log_delivery_allowed,
    validate_definition,
    with_eventbridge_configuration,
)

REGION: Literal["eu-west-1"] = "eu-west-1"
ROLE_TRUST = json.dumps({"Version": "2012-10-17", "Statement": []})
VALID_DEFINITION = json.dumps(
    {
        "StartAt": "Claim",
        "States": {
            "Claim": {"Type": "Pass", "Next": "Gate"},
            "Gate": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Done"}],
                "Default": "Failed",
            },
            "Done": {"Type": "Succeed"},
            "Failed": {"Type": "Fail"},
        },
    }
)


@pytest.fixture(autouse=True)
def emulated_aws() -> Iterator[None]:
    install_additions()
    with mock_aws():
        yield


def _role_arn() -> str:
    iam = boto3.client("iam", region_name=REGION)
    return iam.create_role(RoleName="test-role", AssumeRolePolicyDocument=ROLE_TRUST)["Role"]["Arn"]


def test_validate_definition_accepts_a_valid_machine() -> None:
    assert validate_definition(VALID_DEFINITION) == []


def test_validate_definition_reports_invalid_json() -> None:
    [diagnostic] = validate_definition("{not json")
    assert diagnostic["code"] == "INVALID_JSON_DESCRIPTION"


def test_validate_definition_reports_missing_targets_and_types() -> None:
    definition = json.dumps(
        {
            "StartAt": "Nowhere",
            "States": {"A": {"Type": "Pass", "Next": "B"}, "C": {"Type": "Nope"}},
        }
    )
    codes = sorted((d["code"], d.get("location", "")) for d in validate_definition(definition))
    assert codes == [
        ("MISSING_TRANSITION_TARGET", "/StartAt"),
        ("MISSING_TRANSITION_TARGET", "/States/A"),
        ("SCHEMA_VALIDATION_FAILED", "/States/C/Type"),
    ]


def test_validate_state_machine_definition_answers_the_api_call() -> None:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    assert sfn.validate_state_machine_definition(definition=VALID_DEFINITION)["result"] == "OK"
    failed = sfn.validate_state_machine_definition(definition='{"StartAt": "X", "States": {}}')
    assert failed["result"] == "FAIL"
    assert failed["diagnostics"][0]["code"] == "SCHEMA_VALIDATION_FAILED"


def test_list_state_machine_versions_lists_published_versions_newest_first() -> None:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    arn = sfn.create_state_machine(
        name="wf", definition=VALID_DEFINITION, roleArn=_role_arn(), publish=True
    )["stateMachineArn"]
    sfn.update_state_machine(stateMachineArn=arn, definition=VALID_DEFINITION, publish=True)
    versions = sfn.list_state_machine_versions(stateMachineArn=arn)["stateMachineVersions"]
    assert [v["stateMachineVersionArn"] for v in versions] == [f"{arn}:2", f"{arn}:1"]


def _create_feature_group(sagemaker: object) -> str:
    return sagemaker.create_feature_group(  # type: ignore[attr-defined]
        FeatureGroupName="loans",
        RecordIdentifierFeatureName="id",
        EventTimeFeatureName="loan_date",
        FeatureDefinitions=[
            {"FeatureName": "id", "FeatureType": "Integral"},
            {"FeatureName": "loan_date", "FeatureType": "String"},
        ],
        OnlineStoreConfig={"EnableOnlineStore": True},
        OfflineStoreConfig={"S3StorageConfig": {"S3Uri": "s3://bucket/feature-store"}},
        RoleArn=_role_arn(),
        Description="loans as of their date",
        Tags=[{"Key": "team", "Value": "risk"}],
    )["FeatureGroupArn"]


def test_feature_group_tags_can_be_listed_added_and_deleted() -> None:
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    arn = _create_feature_group(sagemaker)
    sagemaker.add_tags(ResourceArn=arn, Tags=[{"Key": "stage", "Value": "dev"}])
    sagemaker.delete_tags(ResourceArn=arn, TagKeys=["team"])
    assert sagemaker.list_tags(ResourceArn=arn)["Tags"] == [{"Key": "stage", "Value": "dev"}]


def test_feature_group_keeps_description_and_online_store() -> None:
    sagemaker = boto3.client("sagemaker", region_name=REGION)
    _create_feature_group(sagemaker)
    described = sagemaker.describe_feature_group(FeatureGroupName="loans")
    assert described["Description"] == "loans as of their date"
    assert described["OnlineStoreConfig"] == {"EnableOnlineStore": True}


def _bucket_with_policy(s3: object, name: str, statements: list[dict[str, Any]]) -> None:
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})  # type: ignore[attr-defined]
    policy = {"Version": "2012-10-17", "Statement": statements}
    s3.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))  # type: ignore[attr-defined]


def test_bucket_logging_accepts_a_policy_with_a_tls_deny_and_a_prefix_wildcard() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    deny_http: dict[str, Any] = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": "arn:aws:s3:::logs-bucket/*",
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    allow_logging: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::logs-bucket/s3/*",
    }
    _bucket_with_policy(s3, "logs-bucket", [deny_http, allow_logging])
    s3.create_bucket(
        Bucket="source-bucket", CreateBucketConfiguration={"LocationConstraint": REGION}
    )
    s3.put_bucket_logging(
        Bucket="source-bucket",
        BucketLoggingStatus={
            "LoggingEnabled": {"TargetBucket": "logs-bucket", "TargetPrefix": "s3/source-bucket/"}
        },
    )
    logging = s3.get_bucket_logging(Bucket="source-bucket")["LoggingEnabled"]
    assert logging["TargetBucket"] == "logs-bucket"


def test_bucket_logging_still_refuses_a_destination_that_does_not_allow_it() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    other_prefix: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": "arn:aws:s3:::closed-logs/other/*",
    }
    _bucket_with_policy(s3, "closed-logs", [other_prefix])
    s3.create_bucket(Bucket="source-two", CreateBucketConfiguration={"LocationConstraint": REGION})
    with pytest.raises(s3.exceptions.ClientError, match="InvalidTargetBucketForLogging"):
        s3.put_bucket_logging(
            Bucket="source-two",
            BucketLoggingStatus={
                "LoggingEnabled": {"TargetBucket": "closed-logs", "TargetPrefix": "s3/"}
            },
        )


LOGGING = {"Service": "logging.s3.amazonaws.com"}


def _statement(
    effect: str, principal: object, action: object, resource: object
) -> dict[str, object]:
    return {"Effect": effect, "Principal": principal, "Action": action, "Resource": resource}


@pytest.mark.parametrize(
    ("statement", "allowed"),
    [
        (_statement("Allow", LOGGING, ["s3:*"], ["arn:aws:s3:::b/*"]), True),
        (
            _statement(
                "Allow", {"Service": [LOGGING["Service"]]}, "s3:PutObject", "arn:aws:s3:::b/logs/*"
            ),
            True,
        ),
        (_statement("Deny", LOGGING, "s3:PutObject", "arn:aws:s3:::b/*"), False),
        (
            _statement(
                "Allow",
                {"AWS": "arn:aws:iam::123456789012:root"},
                "s3:PutObject",
                "arn:aws:s3:::b/*",
            ),
            False,
        ),
        (_statement("Allow", LOGGING, "s3:GetObject", "arn:aws:s3:::b/*"), False),
        (_statement("Allow", LOGGING, "s3:PutObject", "arn:aws:s3:::b/other/*"), False),
    ],
)
def test_log_delivery_allowed_evaluates_each_statement(
    statement: dict[str, object], allowed: bool
) -> None:
    assert log_delivery_allowed({"Statement": [statement]}, "arn:aws:s3:::b", "logs/") is allowed


def test_bucket_notification_reports_eventbridge() -> None:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="raw-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_notification_configuration(
        Bucket="raw-bucket", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    configuration = s3.get_bucket_notification_configuration(Bucket="raw-bucket")
    assert configuration["EventBridgeConfiguration"] == {}


def test_with_eventbridge_configuration_adds_the_element_once() -> None:
    namespace = "http://s3.amazonaws.com/doc/2006-03-01/"
    body = f'<NotificationConfiguration xmlns="{namespace}"/>'
    once = with_eventbridge_configuration(body)
    assert once.count(b"EventBridgeConfiguration") == 1
    assert with_eventbridge_configuration(once).count(b"EventBridgeConfiguration") == 1


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def handler(event, context):\n    return {}\n")
    return buffer.getvalue()


def test_lambda_logging_config_is_kept_and_updated() -> None:
    lambda_client = boto3.client("lambda", region_name=REGION)
    lambda_client.create_function(
        FunctionName="fn",
        Runtime="python3.12",
        Role=_role_arn(),
        Handler="handler.handler",
        Code={"ZipFile": _zip()},
        LoggingConfig={"LogFormat": "JSON", "LogGroup": "/custom/fn"},
    )
    created = lambda_client.get_function_configuration(FunctionName="fn")["LoggingConfig"]
    assert created == {"LogFormat": "JSON", "LogGroup": "/custom/fn"}
    lambda_client.update_function_configuration(
        FunctionName="fn", LoggingConfig={"LogFormat": "Text"}
    )
    updated = lambda_client.get_function_configuration(FunctionName="fn")["LoggingConfig"]
    assert updated == {"LogFormat": "Text", "LogGroup": "/aws/lambda/fn"}


def test_key_rotation_period_is_reported() -> None:
    kms = boto3.client("kms", region_name=REGION)
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=180)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True
    assert status["RotationPeriodInDays"] == 180


class RecordedDeliveries:
    """Stands in for `trigger.Deliveries`: keeps what would be started."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def submit(self, delivery: Any) -> None:
        self.events.append(json.loads(delivery.input_text))

    def close(self) -> None:
        pass


@pytest.fixture
def recorded_starts() -> Iterator[RecordedDeliveries]:
    recorded = RecordedDeliveries()
    configure(region=REGION, deliveries=recorded)  # type: ignore[arg-type]
    try:
        yield recorded
    finally:
        DELIVERY.deliveries = None


def _raw_bucket_starting_a_workflow() -> Any:
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket="raw", CreateBucketConfiguration={"LocationConstraint": REGION})
    s3.put_bucket_notification_configuration(
        Bucket="raw", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    events = boto3.client("events", region_name=REGION)
    events.put_rule(
        Name="raw-object-created",
        EventPattern=json.dumps({"source": ["aws.s3"], "detail-type": ["Object Created"]}),
    )
    events.put_targets(
        Rule="raw-object-created",
        Targets=[{"Id": "workflow", "Arn": f"arn:aws:states:{REGION}:123456789012:stateMachine:w"}],
    )
    return s3


def test_a_put_object_starts_one_run(recorded_starts: RecordedDeliveries) -> None:
    _raw_bucket_starting_a_workflow().put_object(Bucket="raw", Key="incoming/a.csv", Body=b"x")

    assert [event["detail"]["reason"] for event in recorded_starts.events] == ["PutObject"]


def test_a_multipart_upload_starts_one_run(recorded_starts: RecordedDeliveries) -> None:
    s3 = _raw_bucket_starting_a_workflow()
    upload = s3.create_multipart_upload(Bucket="raw", Key="incoming/big.csv")["UploadId"]
    parts = []
    for number, body in enumerate([b"a" * 5 * 1024 * 1024, b"b"], start=1):
        etag = s3.upload_part(
            Bucket="raw", Key="incoming/big.csv", UploadId=upload, PartNumber=number, Body=body
        )["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    s3.complete_multipart_upload(
        Bucket="raw", Key="incoming/big.csv", UploadId=upload, MultipartUpload={"Parts": parts}
    )

    assert [event["detail"]["reason"] for event in recorded_starts.events] == [
        "CompleteMultipartUpload"
    ]
