"""Reading a user's latest features from the Feature Store online store (GetRecord)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError

from lambdas.shared.aws import error_code
from lambdas.shared.errors import BadRequestError, NotFoundError, ServiceUnavailableError
from lambdas.shared.feature_records import UserFeatures, parse_user_id, record_to_features

if TYPE_CHECKING:
    from mypy_boto3_sagemaker_featurestore_runtime import SageMakerFeatureStoreRuntimeClient

# Errors that mean "not there yet or not reachable": the API answers 503, a retry may succeed.
UNAVAILABLE_CODES = frozenset(
    {"ResourceNotFound", "ServiceUnavailable", "InternalFailure", "ThrottlingException"}
)


def user_id_from_path(raw: str) -> int:
    try:
        return parse_user_id(raw)
    except ValueError as exc:
        raise BadRequestError(str(exc), code="invalid_id") from None


def read_latest_features(
    featurestore: SageMakerFeatureStoreRuntimeClient, feature_group_name: str, user_id: int
) -> UserFeatures:
    """The online record of `user_id` (the latest loan); NotFoundError when the store has none."""
    try:
        response = featurestore.get_record(
            FeatureGroupName=feature_group_name, RecordIdentifierValueAsString=str(user_id)
        )
    except ClientError as exc:
        code = error_code(exc)
        if code == "ResourceNotFound":
            raise ServiceUnavailableError(
                f"feature group {feature_group_name!r} does not exist yet (nothing ingested)",
                code="feature_store_unavailable",
            ) from None
        if code in UNAVAILABLE_CODES:
            raise ServiceUnavailableError(
                f"the feature store is not available ({code}); try again later",
                code="feature_store_unavailable",
            ) from None
        raise
    except (ConnectionError, HTTPClientError):
        raise ServiceUnavailableError(
            "the feature store could not be reached; try again later",
            code="feature_store_unavailable",
        ) from None
    record = response.get("Record")
    if not record:
        raise NotFoundError(f"no features for user {user_id}", code="user_not_found")
    return record_to_features(record)  # type: ignore[arg-type]
