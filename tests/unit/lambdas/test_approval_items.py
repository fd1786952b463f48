from __future__ import annotations

from dataclasses import replace

from lambdas.shared.approvals import RETENTION_SECONDS, Delivery, Status, from_item, to_item
from tests.unit.lambdas.test_pages import APPROVAL


def test_approval_round_trips_through_a_dynamodb_item() -> None:
    decided = replace(
        APPROVAL,
        status=Status.REJECTED,
        decided_at=1_714_550_000,
        comment="no",
        delivery=Delivery.DELIVERED,
        decided_from="10.0.0.1",
    )
    assert from_item(to_item(decided)) == decided
    assert from_item(to_item(APPROVAL)) == APPROVAL


def test_to_item_sets_the_ttl_after_the_expiry_and_skips_empty_fields() -> None:
    item = to_item(APPROVAL)
    assert int(item["ttl"]["N"]) == APPROVAL.expires_at + RETENTION_SECONDS
    assert "decided_at" not in item
    assert item["metrics"]["M"]["roc_auc"] == {"N": "0.78"}


def test_from_item_ignores_attributes_it_does_not_know() -> None:
    item = {**to_item(APPROVAL), "added_by_a_later_version": {"S": "x"}}
    assert from_item(item) == APPROVAL


def test_repr_never_shows_the_task_token() -> None:
    assert APPROVAL.task_token not in repr(APPROVAL)
