from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from lambdas.approval_request.payload import ApprovalRequest
from lambdas.notify.payload import Notification
from lambdas.shared.workflow import InvalidPayloadError, validate_payload

EVENTS = Path(__file__).parents[2] / "events"
SECRET = "AQCEAAAAKgAAAAMAAAAAAAAAA-secret-task-token"


def approval_event(**changes: Any) -> dict[str, Any]:
    event = json.loads((EVENTS / "approval_request.json").read_text())
    event["task_token"] = SECRET
    event.update(changes)
    return event


def test_validate_payload_accepts_the_documented_approval_request() -> None:
    request = validate_payload(ApprovalRequest, approval_event())
    assert request.task_token.get_secret_value() == SECRET
    assert request.expires_in_seconds == 86400
    assert request.source.uri == "s3://raw/incoming/loans-2024-05.csv"
    assert SECRET not in repr(request)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"evaluation_s3_uri": "https://bucket/key"}, "evaluation_s3_uri"),
        ({"execution_name": "a/b"}, "execution_name"),
        ({"expires_in_seconds": 0}, "expires_in_seconds"),
        ({"api_base_url": "javascript:alert(1)"}, "api_base_url"),
        ({"task_token": ""}, "task_token"),
        ({"model_package_arn": None}, "model_package_arn"),
    ],
)
def test_validate_payload_names_the_bad_field(changes: dict[str, Any], field: str) -> None:
    with pytest.raises(InvalidPayloadError, match=field):
        validate_payload(ApprovalRequest, approval_event(**changes))


def test_validate_payload_never_echoes_the_input() -> None:
    # A wrong type beside the token, and the whole payload of the wrong type: neither message
    # may quote the token (it would reach logs, the execution history and the failure email).
    for event in (approval_event(expires_in_seconds="soon"), [approval_event()]):
        with pytest.raises(InvalidPayloadError) as raised:
            validate_payload(ApprovalRequest, event)  # type: ignore[arg-type]
        assert SECRET not in str(raised.value)
        assert raised.value.__cause__ is None
        assert raised.value.__suppress_context__


def test_validate_payload_accepts_each_notification_kind() -> None:
    for name in ("notify_live.json", "notify_rejected.json", "notify_failed.json"):
        event = json.loads((EVENTS / name).read_text())
        assert validate_payload(Notification, event).kind == event["kind"]


def test_validate_payload_rejects_an_unknown_notification_kind() -> None:
    with pytest.raises(InvalidPayloadError, match="kind"):
        validate_payload(Notification, {"kind": "party", "execution_arn": "arn"})
