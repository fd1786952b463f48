"""Feature group definitions read from a SageMaker control plane (moto in server mode)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from local_stack.featurestore_runtime.process import start_runtime
from tests.fixtures.featurestore import loans_feature_group


@pytest.fixture
def control_plane() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def create_group(endpoint_url: str, name: str) -> None:
    description = loans_feature_group(name)
    boto3.client("sagemaker", endpoint_url=endpoint_url).create_feature_group(
        FeatureGroupName=name,
        RecordIdentifierFeatureName=description["RecordIdentifierFeatureName"],
        EventTimeFeatureName=description["EventTimeFeatureName"],
        FeatureDefinitions=description["FeatureDefinitions"],
        OnlineStoreConfig={"EnableOnlineStore": True},
        OfflineStoreConfig={"S3StorageConfig": {"S3Uri": "s3://offline/store"}},
        RoleArn="arn:aws:iam::123456789012:role/feature-store",
    )


@pytest.mark.slow
def test_runtime_describes_groups_created_after_it_started(
    control_plane: str, tmp_path: Path
) -> None:
    with start_runtime(
        tmp_path / "store.db",
        describe_from_sagemaker=True,
        sagemaker_endpoint_url=control_plane,
        env={"AWS_DEFAULT_REGION": "eu-west-1"},
    ) as runtime:
        create_group(control_plane, "late-group")
        client: Any = boto3.client(
            "sagemaker-featurestore-runtime", endpoint_url=runtime.endpoint_url
        )
        client.put_record(
            FeatureGroupName="late-group",
            Record=[
                {"FeatureName": "id", "ValueAsString": "5"},
                {"FeatureName": "loan_date", "ValueAsString": "2020-01-01T00:00:00Z"},
            ],
        )
        got = client.get_record(FeatureGroupName="late-group", RecordIdentifierValueAsString="5")
        with pytest.raises(client.exceptions.ResourceNotFound):
            client.get_record(FeatureGroupName="never-created", RecordIdentifierValueAsString="5")

    assert {f["FeatureName"] for f in got["Record"]} == {"id", "loan_date"}
