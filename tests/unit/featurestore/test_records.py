from __future__ import annotations

import pytest

from local_stack.featurestore_runtime.definitions import Catalogue, FeatureGroup
from local_stack.featurestore_runtime.records import (
    RecordValidationError,
    parse_event_time,
    target_stores,
    validate_record,
)
from tests.fixtures.featurestore import loans_feature_group

GROUP = FeatureGroup.from_description(loans_feature_group())


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1970-01-01T00:00:00Z", 0.0),
        ("2020-02-29T00:00:00Z", 1582934400.0),
        ("2020-02-29T00:00:00.500Z", 1582934400.5),
    ],
)
def test_parse_event_time_accepts_the_two_iso_formats(text: str, seconds: float) -> None:
    assert parse_event_time(text, "String") == seconds


@pytest.mark.parametrize(
    "text",
    ["2020-02-30T00:00:00Z", "2020-02-29", "2020-02-29T00:00:00", "2020-02-29T00:00:00+01:00", ""],
)
def test_parse_event_time_rejects_other_strings(text: str) -> None:
    with pytest.raises(RecordValidationError, match="Invalid event time"):
        parse_event_time(text, "String")


def test_parse_event_time_fractional_is_epoch_seconds() -> None:
    assert parse_event_time("12.5", "Fractional") == 12.5
    with pytest.raises(RecordValidationError):
        parse_event_time("nan", "Fractional")


def test_validate_record_rejects_a_duplicated_feature() -> None:
    record = [
        {"FeatureName": "id", "ValueAsString": "1"},
        {"FeatureName": "id", "ValueAsString": "2"},
        {"FeatureName": "loan_date", "ValueAsString": "2020-01-01T00:00:00Z"},
    ]
    with pytest.raises(RecordValidationError, match="more than once"):
        validate_record(GROUP, record)


def test_target_stores_default_to_every_store_and_reject_unknown_names() -> None:
    assert target_stores(GROUP, None) == (True, True)
    assert target_stores(GROUP, ["OfflineStore"]) == (False, True)
    with pytest.raises(RecordValidationError):
        target_stores(GROUP, ["Elsewhere"])


def test_feature_group_definition_must_define_its_event_time() -> None:
    description = loans_feature_group()
    description["EventTimeFeatureName"] = "missing"
    with pytest.raises(ValueError, match="event time"):
        FeatureGroup.from_description(description)


def test_catalogue_accepts_names_and_arns() -> None:
    catalogue = Catalogue({GROUP.name: GROUP})
    arn = f"arn:aws:sagemaker:eu-west-1:123456789012:feature-group/{GROUP.name}"
    assert catalogue.lookup(arn) is GROUP
    assert catalogue.cached("other") is None
