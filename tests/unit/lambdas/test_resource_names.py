from __future__ import annotations

import pytest

from lambdas.shared.resource_names import model_label, parse_s3_uri


def test_parse_s3_uri_splits_bucket_and_key() -> None:
    assert parse_s3_uri("s3://b/runs/x/output.tar.gz") == ("b", "runs/x/output.tar.gz")
    for bad in ("b/key", "s3://b", "s3:///key", "s3://b/"):
        with pytest.raises(ValueError, match="s3://bucket/key"):
            parse_s3_uri(bad)


def test_model_label_reads_group_and_version() -> None:
    arn = "arn:aws:sagemaker:eu-west-1:1:model-package/credit-risk/12"
    assert model_label(arn) == "credit-risk v12"
    assert model_label("something-else") == "something-else"
    assert model_label("") == "(model not named)"
