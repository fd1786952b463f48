"""Names of AWS resources in payloads and pages: S3 URIs and model package ARNs.

Plain string helpers, kept apart from lambdas/shared/workflow.py so that a function that only shows
or fetches these (approvals_api) does not import pydantic (~120 ms of cold start).
"""

from __future__ import annotations


def parse_s3_uri(uri: str) -> tuple[str, str]:
    """(bucket, key) of `s3://bucket/key`; ValueError naming the URI otherwise."""
    rest = uri.removeprefix("s3://")
    bucket, _, key = rest.partition("/")
    if rest == uri or not bucket or not key:
        raise ValueError(f"not an s3://bucket/key URI: {uri!r}")
    return bucket, key


def model_label(model_package_arn: str) -> str:
    """`credit-risk v3` from `arn:...:model-package/credit-risk/3`; the ARN itself otherwise."""
    _, _, resource = model_package_arn.partition(":model-package/")
    group, _, version = resource.rpartition("/")
    if group and version.isdigit():
        return f"{group} v{version}"
    return model_package_arn or "(model not named)"
