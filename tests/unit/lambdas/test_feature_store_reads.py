"""GetRecord -> features, and the error mapping, against a stubbed runtime client.

The botocore Stubber checks each request against the service model and raises errors as the real
client parses them; the integration tests run the same code against the local Feature Store.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from lambdas.shared.errors import NotFoundError, ServiceUnavailableError
from lambdas.shared.feature_store import read_latest_features
from tests.unit.lambdas.test_feature_records import RECORD


@pytest.fixture
def featurestore() -> Iterator[tuple[object, Stubber]]:
    client = boto3.client("sagemaker-featurestore-runtime", region_name="eu-west-1")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def test_read_latest_features_asks_for_the_user_record(featurestore) -> None:
    client, stubber = featurestore
    stubber.add_response(
        "get_record",
        {"Record": RECORD},
        {"FeatureGroupName": "features", "RecordIdentifierValueAsString": "4211"},
    )
    assert read_latest_features(client, "features", 4211).loan_id == 90017


def test_read_latest_features_is_not_found_without_a_record(featurestore) -> None:
    client, stubber = featurestore
    stubber.add_response("get_record", {})
    with pytest.raises(NotFoundError) as raised:
        read_latest_features(client, "features", 7)
    assert raised.value.code == "user_not_found"


@pytest.mark.parametrize(
    ("code", "status"),
    [("ResourceNotFound", 404), ("ServiceUnavailable", 503), ("ThrottlingException", 400)],
)
def test_read_latest_features_maps_store_outages_to_503(featurestore, code, status) -> None:
    client, stubber = featurestore
    stubber.add_client_error("get_record", service_error_code=code, http_status_code=status)
    with pytest.raises(ServiceUnavailableError) as raised:
        read_latest_features(client, "features", 7)
    assert raised.value.code == "feature_store_unavailable"


def test_read_latest_features_lets_other_errors_through(featurestore) -> None:
    client, stubber = featurestore
    stubber.add_client_error("get_record", service_error_code="AccessForbidden")
    with pytest.raises(ClientError):
        read_latest_features(client, "features", 7)
