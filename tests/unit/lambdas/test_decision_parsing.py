from __future__ import annotations

import json

import pytest

from lambdas.approvals_api.decisions import MAX_COMMENT_CHARS, parse_decision
from lambdas.shared.approvals import Status
from lambdas.shared.errors import BadRequestError, UnsupportedMediaTypeError

FORM = "application/x-www-form-urlencoded"


def test_parse_decision_reads_the_review_form() -> None:
    decision = parse_decision(f"{FORM}; charset=UTF-8", "decision=approve&comment=Looks+good%21")
    assert (decision.status, decision.comment, decision.word) == (
        Status.APPROVED,
        "Looks good!",
        "approved",
    )


def test_parse_decision_reads_json() -> None:
    decision = parse_decision("application/json", json.dumps({"decision": "reject"}))
    assert (decision.status, decision.comment) == (Status.REJECTED, "")


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        (FORM, ""),
        (FORM, "decision=maybe"),
        (FORM, "decision=approve&decision=reject"),
        (FORM, f"decision=approve&comment={'x' * (MAX_COMMENT_CHARS + 1)}"),
        ("application/json", "{"),
        ("application/json", "[]"),
        ("application/json", '{"decision": true}'),
    ],
)
def test_parse_decision_refuses_unclear_decisions(content_type: str, body: str) -> None:
    with pytest.raises(BadRequestError):
        parse_decision(content_type, body)


@pytest.mark.parametrize("content_type", ["", "text/plain", "multipart/form-data; boundary=x"])
def test_parse_decision_names_the_accepted_media_types(content_type: str) -> None:
    with pytest.raises(UnsupportedMediaTypeError, match="x-www-form-urlencoded"):
        parse_decision(content_type, "decision=approve")
