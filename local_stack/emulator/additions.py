"""What moto lacks for `terraform apply` of the local root and for the local stack, each gap
filled in one function.

Every addition patches moto in place and is registered in ``ADDITIONS``; :func:`install_additions`
applies them once per process (the emulator's server calls it; tests call it before using moto
in-process). Two of them deliver what AWS would deliver outside moto, where :func:`configure`
says: Step Functions targets of EventBridge rules start executions on the local workflow executor
(else in moto's own Step Functions), and SNS email subscriptions write to the outbox folder (else
nothing is sent, as moto does).
"""

from __future__ import annotations

import copy
import fnmatch
import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import moto.s3.notifications
from moto.awslambda.models import LambdaFunction
from moto.core.responses import ActionResult
from moto.events.models import Rule, events_backends
from moto.iam.access_control import PermissionResult
from moto.iam.models import iam_backends
from moto.kms.models import KmsBackend
from moto.kms.responses import KmsResponse
from moto.s3.models import FakeBucket
from moto.s3.responses import S3Response
from moto.sagemaker.exceptions import ValidationError
from moto.sagemaker.models import FeatureGroup, SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sns.models import Subscription
from moto.sqs.models import sqs_backends
from moto.stepfunctions.models import stepfunctions_backends
from moto.stepfunctions.responses import StepFunctionResponse

from local_stack import outbox, trigger

LOGGER = logging.getLogger(__name__)

_installed: list[str] = []


@dataclass
class Delivery:
    """Where the emulator delivers what AWS sends outside moto (see :func:`configure`)."""

    outbox_dir: Path | None = None
    stepfunctions_endpoint: str | None = None
    deliveries: trigger.Deliveries | None = None


DELIVERY = Delivery()


def configure(
    *,
    outbox_dir: Path | None = None,
    stepfunctions_endpoint: str | None = None,
    region: str = "us-east-1",
    deliveries: trigger.Deliveries | None = None,
) -> Delivery:
    """Emails go to `outbox_dir` (None: not sent); executions start on `stepfunctions_endpoint`
    (None: in moto's Step Functions). `deliveries` replaces the delivery machinery (tests)."""
    if DELIVERY.deliveries is not None:
        DELIVERY.deliveries.close()
    DELIVERY.outbox_dir = outbox_dir
    DELIVERY.stepfunctions_endpoint = stepfunctions_endpoint
    start = (
        trigger.http_start_execution(stepfunctions_endpoint, region)
        if stepfunctions_endpoint
        else _start_in_moto
    )
    DELIVERY.deliveries = deliveries or trigger.Deliveries(start, _send_to_dead_letter_queue)
    return DELIVERY


def _start_in_moto(state_machine_arn: str, name: str, input_text: str) -> str:
    _, _, _, region, account = state_machine_arn.split(":")[:5]
    backend = stepfunctions_backends[account][region]
    try:
        return str(backend.start_execution(state_machine_arn, name, input_text).execution_arn)
    except Exception as exc:  # moto's own errors: the machine is gone, a bad name
        raise trigger.DeliveryError(type(exc).__name__, str(exc), retryable=False) from exc


def _send_to_dead_letter_queue(
    queue_arn: str, body: str, attributes: Mapping[str, Mapping[str, str]]
) -> None:
    _, _, _, region, account, queue_name = queue_arn.split(":")[:6]
    sqs_backends[account][region].send_message(
        queue_name, body, message_attributes=dict(attributes)
    )


def validate_definition(definition: str) -> list[dict[str, str]]:
    """Static checks of an Amazon States Language document, as ValidateStateMachineDefinition
    diagnostics (an empty list means valid).

    A structural check only: the JSON parses, ``StartAt`` names a state, every state has a known
    ``Type``, and every ``Next``/``Default`` names a state. The project's CI runs asl-validator for
    the full grammar; this answers the call the Terraform provider makes before each create.
    """
    try:
        document = json.loads(definition)
    except json.JSONDecodeError as error:
        return [_diagnostic("INVALID_JSON_DESCRIPTION", f"Definition is not valid JSON: {error}")]
    if not isinstance(document, dict):
        return [_diagnostic("SCHEMA_VALIDATION_FAILED", "Definition must be a JSON object", "/")]
    return _check_states(document, "")


_STATE_TYPES = {"Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"}


def _diagnostic(code: str, message: str, location: str = "") -> dict[str, str]:
    diagnostic = {"severity": "ERROR", "code": code, "message": message}
    if location:
        diagnostic["location"] = location
    return diagnostic


def _check_states(machine: dict[str, Any], path: str) -> list[dict[str, str]]:
    states = machine.get("States")
    start_at = machine.get("StartAt")
    if not isinstance(states, dict) or not states:
        return [
            _diagnostic(
                "SCHEMA_VALIDATION_FAILED", "States must be a non-empty object", f"{path}/States"
            )
        ]
    problems = []
    if start_at not in states:
        problems.append(
            _diagnostic(
                "MISSING_TRANSITION_TARGET",
                f"StartAt names no state: {start_at!r}",
                f"{path}/StartAt",
            )
        )
    for name, state in states.items():
        where = f"{path}/States/{name}"
        if not isinstance(state, dict) or state.get("Type") not in _STATE_TYPES:
            problems.append(
                _diagnostic("SCHEMA_VALIDATION_FAILED", "State has no valid Type", f"{where}/Type")
            )
            continue
        targets = [state.get("Next"), state.get("Default")]
        targets += [
            choice.get("Next") for choice in state.get("Choices", []) if isinstance(choice, dict)
        ]
        targets += [
            catch.get("Next") for catch in state.get("Catch", []) if isinstance(catch, dict)
        ]
        for target in targets:
            if target is not None and target not in states:
                problems.append(
                    _diagnostic(
                        "MISSING_TRANSITION_TARGET", f"Missing 'Next' target: {target}", where
                    )
                )
        for index, branch in enumerate(state.get("Branches", [])):
            problems += _check_states(branch, f"{where}/Branches/{index}")
        processor = state.get("ItemProcessor") or state.get("Iterator")
        if isinstance(processor, dict):
            problems += _check_states(processor, f"{where}/ItemProcessor")
    return problems


def add_validate_state_machine_definition() -> None:
    """moto has no ValidateStateMachineDefinition; the provider calls it before every create and
    retries forever on the "not implemented" answer."""

    def validate_state_machine_definition(self: StepFunctionResponse) -> ActionResult:
        diagnostics = validate_definition(self._get_param("definition") or "")
        return ActionResult(
            {
                "result": "FAIL" if diagnostics else "OK",
                "diagnostics": diagnostics,
                "truncated": False,
            }
        )

    StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition  # type: ignore[attr-defined]


def add_list_state_machine_versions() -> None:
    """moto has no ListStateMachineVersions; the provider reads the versions after each create and
    retries forever on the "not implemented" answer."""

    def list_state_machine_versions(self: StepFunctionResponse) -> ActionResult:
        machine = self.stepfunction_backend.describe_state_machine(
            self._get_param("stateMachineArn")
        )
        versions = [
            {"stateMachineVersionArn": version.arn, "creationDate": version.creation_date}
            for _, version in sorted(getattr(machine, "versions", {}).items(), reverse=True)
        ]
        return ActionResult({"stateMachineVersions": versions})

    StepFunctionResponse.list_state_machine_versions = list_state_machine_versions  # type: ignore[attr-defined]


def add_feature_group_tags() -> None:
    """moto's SageMaker tag calls (AddTags, ListTags, DeleteTags) cannot find feature groups, which
    it keys by ARN; the provider lists the tags after every create and read."""
    original = SageMakerModelBackend._get_resource_from_arn

    def get_resource_from_arn(self: SageMakerModelBackend, arn: str) -> Any:
        if ":feature-group/" in arn:
            feature_group = self.feature_groups.get(arn)
            if feature_group is None:
                raise ValidationError(message=f"Could not find feature-group with ARN {arn}")
            if feature_group.tags is None:
                feature_group.tags = []
            return feature_group
        return original(self, arn)

    SageMakerModelBackend._get_resource_from_arn = get_resource_from_arn  # type: ignore[method-assign]


def log_delivery_allowed(policy: dict[str, Any], bucket_arn: str, target_prefix: str) -> bool:
    """True when a bucket policy lets the S3 logging service put objects under ``target_prefix``:
    an Allow statement for the service principal, with s3:PutObject (or a wildcard covering it) on
    a resource pattern that covers ``<bucket_arn>/<target_prefix>``."""
    probe = f"{bucket_arn}/{target_prefix}access-log"
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            continue
        principal = statement.get("Principal")
        services = _as_list(principal.get("Service")) if isinstance(principal, dict) else []
        actions = _as_list(statement.get("Action"))
        resources = _as_list(statement.get("Resource"))
        if (
            "logging.s3.amazonaws.com" in services
            and any(fnmatch.fnmatchcase("s3:PutObject", action) for action in actions)
            and any(fnmatch.fnmatchcase(probe, resource) for resource in resources)
        ):
            return True
    return False


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def add_access_log_policy_check() -> None:
    """moto's PutBucketLogging check of the destination's policy crashes on a statement whose
    Principal is "*" (a TLS-only Deny) and wants the Resource spelled exactly; S3 evaluates the
    policy. Replace the check with one that evaluates the statements."""

    def log_permissions_enabled_policy(
        target_bucket: FakeBucket, target_prefix: str | None
    ) -> bool:
        if not target_bucket.policy:
            return False
        policy = json.loads(target_bucket.policy.decode())
        bucket_arn = f"arn:{target_bucket.partition}:s3:::{target_bucket.name}"
        return log_delivery_allowed(policy, bucket_arn, target_prefix or "")

    FakeBucket._log_permissions_enabled_policy = staticmethod(log_permissions_enabled_policy)  # type: ignore[method-assign]


# What every request to the emulator looks like to a bucket policy: it stands in for S3's HTTPS
# endpoint, so the requests of the local stack count as TLS 1.3 (a TLS-only policy lets them in).
S3_REQUEST_CONTEXT: dict[str, str] = {"aws:SecureTransport": "true", "s3:TlsVersion": "1.3"}
_NUMERIC = {
    "NumericEquals": lambda a, b: a == b,
    "NumericNotEquals": lambda a, b: a != b,
    "NumericLessThan": lambda a, b: a < b,
    "NumericLessThanEquals": lambda a, b: a <= b,
    "NumericGreaterThan": lambda a, b: a > b,
    "NumericGreaterThanEquals": lambda a, b: a >= b,
}
_TEXT = {
    "StringEquals": lambda a, b: a == b,
    "StringNotEquals": lambda a, b: a != b,
    "StringEqualsIgnoreCase": lambda a, b: a.lower() == b.lower(),
    "StringNotEqualsIgnoreCase": lambda a, b: a.lower() != b.lower(),
    "StringLike": fnmatch.fnmatchcase,
    "StringNotLike": lambda a, b: not fnmatch.fnmatchcase(a, b),
    "ArnEquals": lambda a, b: a == b,
    "ArnLike": fnmatch.fnmatchcase,
    "ArnNotEquals": lambda a, b: a != b,
    "ArnNotLike": lambda a, b: not fnmatch.fnmatchcase(a, b),
    "Bool": lambda a, b: a.lower() == b.lower(),
}


def condition_holds(operator: str, key: str, expected: Any, context: dict[str, str]) -> bool:
    """One IAM condition against the request context (single-valued keys)."""
    base = operator.split(":", 1)[-1]  # ForAnyValue:/ForAllValues: act like the plain operator here
    if_exists = base.endswith("IfExists")
    base = base.removesuffix("IfExists")
    values = [str(value) for value in _as_list(expected)]
    if base == "Null":
        return (key not in context) == (values[0].lower() == "true")
    if key not in context:
        return if_exists
    actual = context[key]
    if base in _NUMERIC:
        try:
            return any(_NUMERIC[base](float(actual), float(value)) for value in values)
        except ValueError:
            return False
    if base in _TEXT:
        return any(_TEXT[base](actual, value) for value in values)
    LOGGER.warning(
        "bucket policy condition %s is not evaluated locally: treated as unmet", operator
    )
    return False


def bucket_policy_decision(
    policy: dict[str, Any], action: str, resource: str, context: dict[str, str]
) -> str | None:
    """ "Deny", "Allow" or None (the policy says nothing) for a request by anyone (`*`):
    statements for named principals are left out (the emulator does not know who calls)."""
    decision = None
    for statement in _as_list(policy.get("Statement")):
        principal = statement.get("Principal")
        if principal not in ("*", {"AWS": "*"}, {"AWS": ["*"]}):
            continue
        actions = _as_list(statement.get("Action") or statement.get("NotAction"))
        matched = any(fnmatch.fnmatchcase(action, pattern) for pattern in actions)
        if ("NotAction" in statement) == matched:
            continue
        if not any(fnmatch.fnmatchcase(resource, r) for r in _as_list(statement.get("Resource"))):
            continue
        conditions = statement.get("Condition") or {}
        if not all(
            condition_holds(operator, key, expected, context)
            for operator, entries in conditions.items()
            for key, expected in entries.items()
        ):
            continue
        if statement.get("Effect") == "Deny":
            return "Deny"
        decision = "Allow"
    return decision


def add_bucket_policy_conditions() -> None:
    """moto checks object requests against the bucket policy, but denies whenever a statement's
    condition is not met (even a Deny's: a TLS-only policy then refuses every upload). Evaluate
    the policy as S3 does, for anyone (`*`), in the emulator's request context."""
    results = {"Deny": PermissionResult.DENIED, "Allow": PermissionResult.PERMITTED}

    def get_permission(self: FakeBucket, action: str, resource: str) -> Any:
        if self.policy is None:
            return PermissionResult.NEUTRAL
        decision = bucket_policy_decision(
            json.loads(self.policy.decode()), action, resource, S3_REQUEST_CONTEXT
        )
        return results.get(decision or "", PermissionResult.NEUTRAL)

    FakeBucket.get_permission = get_permission  # type: ignore[method-assign]


def add_feature_group_online_store() -> None:
    """moto's feature groups forget Description and OnlineStoreConfig, so every plan after an
    apply wants to replace the feature group (both force a new resource)."""
    original_create = SageMakerResponse.create_feature_group
    original_describe = FeatureGroup.describe

    def create_feature_group(self: SageMakerResponse) -> ActionResult:
        result = original_create(self)
        name = self._get_param("FeatureGroupName")
        for feature_group in self.sagemaker_backend.feature_groups.values():
            if feature_group.feature_group_name == name:
                feature_group.description = self._get_param("Description")  # type: ignore[attr-defined]
                feature_group.online_store_config = self._get_param("OnlineStoreConfig")  # type: ignore[attr-defined]
        return result

    def describe(self: FeatureGroup) -> dict[str, Any]:
        description = original_describe(self)
        for key, attribute in (
            ("Description", "description"),
            ("OnlineStoreConfig", "online_store_config"),
        ):
            value = getattr(self, attribute, None)
            if value:
                description[key] = value
        return description

    SageMakerResponse.create_feature_group = create_feature_group  # type: ignore[method-assign]
    FeatureGroup.describe = describe  # type: ignore[method-assign]


def add_bucket_eventbridge_configuration() -> None:
    """moto stores a bucket's EventBridge notification but GetBucketNotificationConfiguration
    leaves it out, so the provider (and the local trigger) see it switched off."""
    original = S3Response.get_bucket_notification

    def get_bucket_notification(self: S3Response) -> Any:
        status, headers, body = original(self)
        configuration = self.backend.get_bucket_notification_configuration(self.bucket_name)
        if configuration is None or configuration.event_bridge is None:
            return status, headers, body
        return status, headers, with_eventbridge_configuration(body)

    S3Response.get_bucket_notification = get_bucket_notification  # type: ignore[method-assign]


def with_eventbridge_configuration(body: str | bytes) -> bytes:
    """The NotificationConfiguration XML document with an (empty) EventBridgeConfiguration."""
    root = ET.fromstring(body)  # noqa: S314 (a document moto itself just rendered)
    namespace = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    if root.find(f"{namespace}EventBridgeConfiguration") is None:
        ET.SubElement(root, f"{namespace}EventBridgeConfiguration")
    if namespace:
        ET.register_namespace("", namespace.strip("{}"))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def add_lambda_logging_config() -> None:
    """moto drops a function's LoggingConfig (JSON logs, custom log group), so every plan after
    an apply wants to set it again."""
    original_init = LambdaFunction.__init__
    original_configuration = LambdaFunction.get_configuration
    original_update = LambdaFunction.update_configuration

    def init(self: LambdaFunction, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        spec = kwargs.get("spec", args[0] if args else {})
        self.logging_config = _logging_config(self.function_name, spec.get("LoggingConfig"))  # type: ignore[attr-defined]

    def get_configuration(self: LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
        configuration = original_configuration(self, *args, **kwargs)
        configuration["LoggingConfig"] = self.logging_config  # type: ignore[attr-defined]
        return configuration

    def update_configuration(self: LambdaFunction, config_updates: dict[str, Any]) -> Any:
        if "LoggingConfig" in config_updates:
            self.logging_config = _logging_config(  # type: ignore[attr-defined]
                self.function_name, config_updates["LoggingConfig"]
            )
        return original_update(self, config_updates)

    LambdaFunction.__init__ = init  # type: ignore[method-assign]
    LambdaFunction.get_configuration = get_configuration  # type: ignore[method-assign]
    LambdaFunction.update_configuration = update_configuration  # type: ignore[method-assign]


def _logging_config(function_name: str, requested: dict[str, Any] | None) -> dict[str, Any]:
    """Lambda's defaults (Text logs in /aws/lambda/<name>) overlaid with what was asked for."""
    return {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function_name}", **(requested or {})}


def add_key_rotation_period() -> None:
    """moto ignores EnableKeyRotation's RotationPeriodInDays and GetKeyRotationStatus omits it, so
    every plan after an apply wants to change the key's rotation period."""
    original_enable = KmsResponse.enable_key_rotation
    original_status = KmsResponse.get_key_rotation_status

    def enable_key_rotation(self: KmsResponse) -> str:
        result = original_enable(self)
        key = _kms_key(self.kms_backend, self._get_param("KeyId"))
        key.rotation_period_in_days = self._get_param("RotationPeriodInDays") or 365
        return result

    def get_key_rotation_status(self: KmsResponse) -> str:
        status = json.loads(original_status(self))
        key = _kms_key(self.kms_backend, self._get_param("KeyId"))
        if status.get("KeyRotationEnabled"):
            status["RotationPeriodInDays"] = getattr(key, "rotation_period_in_days", 365)
        return json.dumps(status)

    KmsResponse.enable_key_rotation = enable_key_rotation  # type: ignore[method-assign]
    KmsResponse.get_key_rotation_status = get_key_rotation_status  # type: ignore[method-assign]


def _kms_key(backend: KmsBackend, key_id: str) -> Any:
    return backend.keys[backend.get_key_id(key_id)]


def add_eventbridge_state_machine_targets() -> None:
    """S3 -> EventBridge -> Step Functions as on AWS. moto sends S3 events to the rules (their
    patterns evaluated by moto) but shapes them unlike S3 (`eTag`, a numeric `time`, a fixed `id`,
    no version for the reason) and cannot deliver to a state machine: the NotImplementedError is
    swallowed. S3 events are now built as S3 builds them and sent to the default bus; a rule's
    Step Functions targets get the event through `local_stack.trigger` (the target's input, the
    role's permission, retries, the dead-letter queue); other targets go on to moto."""
    original_send = Rule.send_to_targets
    original_s3 = moto.s3.notifications._send_event_bridge_message

    def send_to_targets(self: Rule, event: Any, transform_input: bool = True) -> None:
        if self.state != "ENABLED" or not self.event_pattern.matches_event(event):
            return
        if DELIVERY.deliveries is None:
            configure(region=self.region_name)
        assert DELIVERY.deliveries is not None
        others = []
        for target in self.targets:
            if not str(target.get("Arn", "")).startswith("arn:aws:states:"):
                others.append(target)
                continue
            delivered = {**event, "time": _event_time(event.get("time"))}
            denial = trigger.role_denial(
                _role(self.account_id, target.get("RoleArn")),
                trigger.START_EXECUTION,
                str(target["Arn"]),
            )
            DELIVERY.deliveries.submit(
                trigger.StateMachineDelivery.for_target(self.arn, target, delivered, denial)
            )
        if others:
            rest = copy.copy(self)
            rest.targets = others
            original_send(rest, event, transform_input)

    def send_event_bridge_message(
        account_id: str, bucket: FakeBucket, event_name: str, key: Any
    ) -> None:
        if event_name not in trigger.CREATED_REASONS:
            original_s3(account_id, bucket, event_name, key)
            return
        if event_name == _PUT and getattr(key, "multipart", None) is not None:
            return  # moto stores a completed multipart upload through PutObject: S3 sends one event
        event: Any = trigger.object_created_event(
            account=account_id,
            region=bucket.region_name,
            bucket=bucket.name,
            key=key.name,
            size=int(key.size),
            etag=key.etag,
            version_id=key.version_id if bucket.is_versioned else None,
            event_name=event_name,
            requester=account_id,
        )
        try:
            bus = events_backends[account_id][bucket.region_name].event_buses.get("default")
            for rule in list(bus.rules.values()) if bus else []:
                rule.send_to_targets(event, transform_input=False)
        except Exception:  # S3 notifies asynchronously: the upload succeeds whatever happens here
            LOGGER.exception("EventBridge notification of s3://%s/%s failed", bucket.name, key.name)

    Rule.send_to_targets = send_to_targets  # type: ignore[method-assign,assignment]
    moto.s3.notifications._send_event_bridge_message = send_event_bridge_message


_PUT = "s3:ObjectCreated:Put"


def _event_time(value: Any) -> str:
    """moto's PutEvents path stores `time` as epoch seconds; EventBridge delivers ISO-8601."""
    if isinstance(value, int | float):
        return trigger.iso_time(datetime.fromtimestamp(value, UTC))
    return str(value) if value else trigger.iso_time(datetime.now(UTC))


def _role(account_id: str, role_arn: str | None) -> Any:
    if not role_arn:
        return None
    try:
        return iam_backends[account_id]["aws"].get_role_by_arn(role_arn)
    except Exception:  # moto raises its own IAMNotFoundException
        return None


def add_sns_email_outbox() -> None:
    """moto accepts email subscriptions but sends nothing: each message to an email (or
    email-json) subscriber becomes a file in the outbox folder, after the subscription's filter
    policy and the per-protocol message structure, as SNS would mail it."""
    original_publish = Subscription.publish

    def publish(  # noqa: PLR0917 (moto's own signature)
        self: Subscription,
        message: str,
        message_id: str,
        subject: str | None = None,
        message_attributes: dict[str, Any] | None = None,
        group_id: str | None = None,
        deduplication_id: str | None = None,
        message_structure: str | None = None,
    ) -> None:
        if self.protocol not in {"email", "email-json"} or DELIVERY.outbox_dir is None:
            original_publish(
                self,
                message,
                message_id,
                subject=subject,
                message_attributes=message_attributes,
                group_id=group_id,
                deduplication_id=deduplication_id,
                message_structure=message_structure,
            )
            return
        matcher = self._filter_policy_matcher
        if matcher is not None and not matcher.matches(message_attributes, message):
            return
        if message_structure == "json":
            message = self._parse_message_structure(message, self.protocol)
        body = message
        if self.protocol == "email-json":
            body = json.dumps(self.get_post_data(message, message_id, subject), indent=2)
        path = outbox.write_email(
            DELIVERY.outbox_dir,
            to=self.endpoint,
            subject=subject,
            body=body,
            message_id=message_id,
            topic_arn=self.topic.arn,
        )
        LOGGER.info("email to %s: %s", self.endpoint, path.name)

    Subscription.publish = publish  # type: ignore[method-assign]


ADDITIONS: dict[str, Callable[[], None]] = {
    "ValidateStateMachineDefinition": add_validate_state_machine_definition,
    "ListStateMachineVersions": add_list_state_machine_versions,
    "feature-group tags": add_feature_group_tags,
    "access-log destination policy": add_access_log_policy_check,
    "bucket policy conditions": add_bucket_policy_conditions,
    "feature-group description and online store": add_feature_group_online_store,
    "bucket EventBridge configuration": add_bucket_eventbridge_configuration,
    "Lambda LoggingConfig": add_lambda_logging_config,
    "KMS rotation period": add_key_rotation_period,
    "EventBridge to Step Functions": add_eventbridge_state_machine_targets,
    "SNS email outbox": add_sns_email_outbox,
}


def install_additions() -> list[str]:
    """Apply every addition once; return the names of the additions in place."""
    for name, install in ADDITIONS.items():
        if name not in _installed:
            install()
            _installed.append(name)
            LOGGER.debug("installed emulator addition: %s", name)
    return list(_installed)
