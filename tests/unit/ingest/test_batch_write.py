"""The job's BatchWriteRecord request is the one botocore's own client sends for the same call."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import urllib.parse
from typing import Any

import botocore.auth
import pyarrow as pa
import pytest
from botocore.awsrequest import AWSPreparedRequest
from botocore.serialize import create_serializer
from botocore.session import Session
from hypothesis import given, settings
from hypothesis import strategies as st

from jobs.ingest.batch_write import BatchWriteRecordSender, request_body
from jobs.ingest.records import FeatureRecords, latest_loan_mask
from jobs.ingest.writer import SERVICE, WriterSettings, make_client

FROZEN = datetime.datetime(2026, 11, 26, 12, 0, 0, tzinfo=datetime.UTC)
OPERATION_MODEL = Session().get_service_model(SERVICE).operation_model("BatchWriteRecord")


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore signs with the time of the call: freeze it so two signatures can be compared."""
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: FROZEN)


def sender_and_client(**settings: Any) -> tuple[BatchWriteRecordSender, Any]:
    session = Session()
    client = make_client(WriterSettings(feature_group="g", **settings), session)
    return BatchWriteRecordSender(session, client, max_attempts=3, max_pool_connections=1), client


class CapturedError(Exception):
    def __init__(self, request: AWSPreparedRequest) -> None:
        self.request = request


def botocore_request(client: Any, entries: list[dict[str, Any]]) -> AWSPreparedRequest:
    """What boto3's `batch_write_record` puts on the wire (stopped before it is sent)."""

    def capture(request: AWSPreparedRequest, **_: Any) -> None:
        raise CapturedError(request)

    client.meta.events.register("before-send.sagemaker-featurestore-runtime", capture)
    with pytest.raises(CapturedError) as captured:
        client.batch_write_record(Entries=entries)
    return captured.value.request


# Feature tables in the processing job's schema: nulls where the contract allows them,
# same-day loans, fractional amounts of every magnitude.
rows = st.lists(
    st.tuples(
        st.integers(1, 4),  # user
        st.dates(datetime.date(1990, 1, 1), datetime.date(2030, 12, 31)),
        st.one_of(st.none(), st.floats(0.01, 1e12, allow_nan=False)),
        st.one_of(st.none(), st.integers(0, 60)),
    ),
    min_size=1,
    max_size=25,
)


def feature_table(data: list[tuple[int, datetime.date, float | None, int | None]]) -> pa.Table:
    return pa.table(
        {
            "id": pa.array([r[0] for r in data], pa.int64()),
            "loan_id": pa.array(range(1, len(data) + 1), pa.int64()),
            "loan_date": [r[1].isoformat() for r in data],
            "nb_previous_loans": pa.array([n % 7 for n in range(len(data))], pa.int32()),
            "avg_amount_loans_previous": pa.array([r[2] for r in data], pa.float64()),
            "age": pa.array([30] * len(data), pa.int32()),
            "years_on_the_job": pa.array([r[3] for r in data], pa.int32()),
            "flag_own_car": pa.array([n % 2 for n in range(len(data))], pa.int8()),
            "status": pa.array([0] * len(data), pa.int8()),
        }
    )


def reference_entry(row: dict[str, Any], latest: bool) -> dict[str, Any]:
    """A BatchWriteRecord entry built the plain way, one value at a time."""
    record = []
    for name, value in row.items():
        if value is None:
            continue
        if name == "loan_date":
            text = f"{value}T00:00:00Z"
        elif isinstance(value, float):
            text = repr(value).removesuffix(".0")
        else:
            text = str(value)
        record.append({"FeatureName": name, "ValueAsString": text})
    stores = ["OnlineStore", "OfflineStore"] if latest else ["OfflineStore"]
    return {"FeatureGroupName": "g", "Record": record, "TargetStores": stores}


def same_values(ours: dict[str, Any], reference: dict[str, Any]) -> bool:
    """Equal entries, Fractional values compared as the numbers they spell."""
    ours_values = {f["FeatureName"]: f["ValueAsString"] for f in ours["Record"]}
    ref_values = {f["FeatureName"]: f["ValueAsString"] for f in reference["Record"]}
    fractional = "avg_amount_loans_previous"
    if (fractional in ours_values) != (fractional in ref_values):
        return False
    if fractional in ours_values and float(ours_values.pop(fractional)) != float(
        ref_values.pop(fractional)
    ):
        return False
    return (
        ours_values == ref_values
        and [f["FeatureName"] for f in ours["Record"]]
        == [f["FeatureName"] for f in reference["Record"]]
        and ours["TargetStores"] == reference["TargetStores"]
        and ours["FeatureGroupName"] == reference["FeatureGroupName"]
    )


@settings(max_examples=60, deadline=None)
@given(rows)
def test_body_is_what_botocore_serialises_for_the_same_records(
    data: list[tuple[int, datetime.date, float | None, int | None]],
) -> None:
    table = feature_table(data)
    entries = FeatureRecords.from_features(table).entries("g")

    body = request_body(entries)
    decoded = json.loads(body)["Entries"]
    serialised = create_serializer("rest-json").serialize_to_request(
        {"Entries": decoded}, OPERATION_MODEL
    )["body"]

    assert json.loads(body) == json.loads(serialised)
    assert body == serialised  # byte for byte: same key order, separators and escapes
    latest = latest_loan_mask(table).tolist()
    expected = [reference_entry(r, m) for r, m in zip(table.to_pylist(), latest, strict=True)]
    assert all(same_values(o, e) for o, e in zip(decoded, expected, strict=True))


@pytest.mark.usefixtures("frozen_clock")
def test_signed_request_equals_the_boto3_client_request() -> None:
    sender, client = sender_and_client()
    entries = FeatureRecords.from_features(
        feature_table([(1, datetime.date(2020, 1, 2), 1.5, None)])
    )
    texts = entries.entries("g")

    ours = sender.prepare(request_body(texts), invocation_id="abc", attempt=1)
    theirs = botocore_request(client, [json.loads(t) for t in texts])

    assert (ours.method, ours.url, ours.body) == (theirs.method, theirs.url, theirs.body)
    for name in (
        "Authorization",
        "X-Amz-Date",
        "X-Amz-Security-Token",
        "Content-Type",
        "Content-Length",
    ):
        assert header(ours, name) == header(theirs, name), name
    assert ours.headers["amz-sdk-request"] == "attempt=1; max=3"


def header(request: AWSPreparedRequest, name: str) -> str:
    """A header as it goes on the wire (botocore keeps some as bytes, some as str)."""
    value = request.headers[name]
    return value.decode() if isinstance(value, bytes) else str(value)


def sigv4_signature(request: AWSPreparedRequest, secret: str, region: str, service: str) -> str:
    """SigV4 from the specification, independently of botocore: what AWS recomputes."""
    authorization = request.headers["Authorization"]
    signed = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    url = urllib.parse.urlsplit(request.url)
    headers = {k.lower(): str(v).strip() for k, v in request.headers.items()}
    headers["host"] = url.netloc
    canonical = "\n".join(
        [
            request.method,
            url.path or "/",
            url.query,
            "".join(f"{name}:{headers[name]}\n" for name in signed),
            ";".join(signed),
            hashlib.sha256(request.body if isinstance(request.body, bytes) else b"").hexdigest(),
        ]
    )
    stamp = headers["x-amz-date"]
    scope = f"{stamp[:8]}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", stamp, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = f"AWS4{secret}".encode()
    for part in (stamp[:8], region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def test_signature_verifies_with_the_job_credentials() -> None:
    sender, _ = sender_and_client()
    body = request_body(
        FeatureRecords.from_features(
            feature_table([(1, datetime.date(2020, 1, 2), None, 3)])
        ).entries("g")
    )

    request = sender.prepare(body, invocation_id="abc", attempt=1)

    authorization = request.headers["Authorization"]
    assert authorization.startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/eu-west-1/sagemaker/aws4_request" in authorization
    signed_headers = authorization.split("SignedHeaders=")[1].split(",")[0].split(";")
    assert {"content-type", "host", "x-amz-date", "x-amz-security-token"} <= set(signed_headers)
    signature = authorization.rsplit("Signature=", 1)[1]
    assert signature == sigv4_signature(request, "testing", "eu-west-1", "sagemaker")
    tampered = AWSPreparedRequest(
        request.method, request.url, request.headers, body.replace(b"2020", b"2021"), False
    )
    assert signature != sigv4_signature(tampered, "testing", "eu-west-1", "sagemaker")


def test_sender_honours_the_endpoint_variable_and_the_region(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME", "http://127.0.0.1:9")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "ap-southeast-2")
    monkeypatch.delenv("AWS_REGION")

    sender, _ = sender_and_client()

    assert sender.url == "http://127.0.0.1:9/BatchWriteRecord"
    assert sender.region == "ap-southeast-2"


def test_sender_targets_the_aws_regional_endpoint_by_default() -> None:
    sender, _ = sender_and_client(region="us-east-2")

    assert (
        sender.url
        == "https://featurestore-runtime.sagemaker.us-east-2.amazonaws.com/BatchWriteRecord"
    )
    assert sender.max_entries == 25  # the service model's limit for Entries


def test_sender_refuses_to_start_without_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
    ):
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    with pytest.raises(botocore.exceptions.NoCredentialsError):
        sender_and_client()
