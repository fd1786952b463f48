"""The serving functions: request formats, clear client errors, the response, self-containment."""

from __future__ import annotations

import ast
import json
import math
import shutil
import sys
from pathlib import Path

import joblib
import numpy as np
import pytest

from jobs import schema
from jobs.training import inference
from jobs.training.inference import (
    InvalidInputError,
    NotAcceptableError,
    UnsupportedMediaTypeError,
    input_fn,
    model_fn,
    output_fn,
    predict_fn,
)
from tests.fixtures.training import SAMPLE_INSTANCE

ROW = SAMPLE_INSTANCE
ROW_VALUES = [3.0, 120.5, 41.0, math.nan, 1.0]


def assert_rows(actual: np.ndarray, expected: list[list[float]]) -> None:
    np.testing.assert_array_equal(actual, np.array(expected, dtype=np.float64))


def test_feature_order_matches_the_schema():
    assert inference.FEATURES == schema.FEATURES
    assert frozenset(schema.NULLABLE_FEATURES) == inference.NULLABLE_FEATURES


def test_inference_module_imports_only_stdlib_numpy_and_onnxruntime():
    tree = ast.parse(Path(inference.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    third_party = imported - set(sys.stdlib_module_names) - {"__future__"}
    assert third_party == {"numpy", "onnxruntime"}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps({"instances": [ROW]}), "application/json"),
        (json.dumps({"instances": [[3, 120.5, 41, None, 1]]}), "application/json"),
        (json.dumps(ROW), "application/json; charset=utf-8"),
        (json.dumps([3, 120.5, 41, None, 1]), "application/json"),
        ("3,120.5,41,,1\n", "text/csv"),
        ("3,120.5,41,,1", "text/csv; charset=utf-8"),
        (json.dumps({k: v for k, v in ROW.items() if v is not None}), "application/json"),
    ],
    ids=[
        "instances-objects",
        "instances-lists",
        "single-object",
        "single-list",
        "csv",
        "csv-no-newline",
        "missing-nullable-key",
    ],
)
def test_input_fn_parses_every_accepted_form_of_one_row(body, content_type):
    assert_rows(input_fn(body.encode(), content_type), [ROW_VALUES])


def test_input_fn_parses_many_rows_in_json_and_csv():
    second = {
        **ROW,
        "avg_amount_loans_previous": None,
        "nb_previous_loans": 0,
        "years_on_the_job": 7,
    }
    expected = [ROW_VALUES, [0.0, math.nan, 41.0, 7.0, 1.0]]
    assert_rows(input_fn(json.dumps({"instances": [ROW, second]}), "application/json"), expected)
    assert_rows(input_fn(b"3,120.5,41,,1\r\n\r\n0,,41,7,1\r\n", "text/csv"), expected)


def test_input_fn_defaults_to_json_and_tolerates_a_bom():
    assert_rows(input_fn("\ufeff".encode() + json.dumps(ROW).encode(), None), [ROW_VALUES])


@pytest.mark.parametrize(
    ("body", "content_type", "message"),
    [
        ("", "application/json", "empty"),
        ("{", "application/json", "not valid JSON"),
        ('{"instances": []}', "application/json", "non-empty list"),
        ('{"instances": [1]}', "application/json", "instance 1: expected an object"),
        ('{"instances": [[1, 2, 3]]}', "application/json", "expected 5 values"),
        ('{"instances": [{"age": 4}], "x": 1}', "application/json", "unexpected top-level keys"),
        (json.dumps({**ROW, "id": 7}), "application/json", "unknown feature(s) ['id']"),
        (json.dumps({**ROW, "age": None}), "application/json", "age is required"),
        (json.dumps({**ROW, "age": "41"}), "application/json", "age must be a number"),
        (json.dumps({**ROW, "flag_own_car": True}), "application/json", "must be a number"),
        (json.dumps({**ROW, "age": -1}), "application/json", "finite number >= 0"),
        ('{"instances": [[3, 120.5, NaN, null, 1]]}', "application/json", "finite number"),
        ("3,120.5,41,1", "text/csv", "CSV line 1: expected 5 fields"),
        ("3,120.5,41,,1\n3,abc,41,,1", "text/csv", "CSV line 2: avg_amount_loans_previous 'abc'"),
        (",120.5,41,,1", "text/csv", "nb_previous_loans is required"),
        ("\n\n", "text/csv", "empty"),
        (b"\xff\xfe", "text/csv", "not UTF-8"),
        ('{"instances": [[1e999, 1, 1, 1, 1]]}', "application/json", "finite number"),
    ],
)
def test_input_fn_rejects_malformed_input_with_a_clear_client_error(body, content_type, message):
    with pytest.raises(InvalidInputError) as caught:
        input_fn(body if isinstance(body, bytes) else body.encode(), content_type)
    assert caught.value.status_code == 400
    assert message in str(caught.value)


def test_input_fn_rejects_other_content_types_with_415():
    with pytest.raises(UnsupportedMediaTypeError, match="text/plain") as caught:
        input_fn(b"3,1,1,1,1", "text/plain")
    assert caught.value.status_code == 415


@pytest.mark.parametrize(
    "accept", [None, "", "application/json", "*/*", "text/html, application/*"]
)
def test_output_fn_answers_json(accept):
    body, content_type = output_fn({"predictions": [], "threshold": 0.2}, accept)
    assert content_type == "application/json"
    assert json.loads(body) == {"predictions": [], "threshold": 0.2}


def test_output_fn_rejects_unacceptable_types_with_406():
    with pytest.raises(NotAcceptableError) as caught:
        output_fn({"predictions": []}, "text/csv")
    assert caught.value.status_code == 406


@pytest.fixture(scope="module")
def served(trained_model):
    return model_fn(str(trained_model.model_dir))


def test_predict_fn_returns_probability_and_decision_per_row(served, trained_model):
    rows = input_fn(
        "\n".join(["0,,22,0,0", "3,120.5,41,,1", "20,150,60,30,1"]).encode(), "text/csv"
    )
    response = json.loads(output_fn(predict_fn(rows, served), "application/json")[0])
    threshold = trained_model.evaluation["threshold"]
    assert response["threshold"] == threshold
    assert response["model_version"] == "test-training-job"
    assert len(response["predictions"]) == 3
    for prediction, probability in zip(
        response["predictions"], served.predict_proba(rows), strict=True
    ):
        assert prediction["probability_of_default"] == pytest.approx(probability, abs=1e-12)
        assert 0.0 < prediction["probability_of_default"] < 1.0
        expected = "decline" if probability >= threshold else "accept"
        assert prediction["decision"] == expected


def test_predict_fn_declines_at_exactly_the_threshold(served):
    rows = input_fn(b"3,120.5,41,,1", "text/csv")
    probability = float(served.predict_proba(rows)[0])
    served_at_threshold = inference.CreditRiskModel(served.session, probability, "v")
    assert predict_fn(rows, served_at_threshold)["predictions"][0]["decision"] == "decline"
    just_above = inference.CreditRiskModel(served.session, math.nextafter(probability, 1.0), "v")
    assert predict_fn(rows, just_above)["predictions"][0]["decision"] == "accept"


def test_model_fn_takes_the_version_from_model_version_env(trained_model, monkeypatch):
    monkeypatch.setenv("MODEL_VERSION", "arn:aws:sagemaker:eu-west-1:1:model-package/credit/3")
    model = model_fn(str(trained_model.model_dir))
    assert model.model_version == "arn:aws:sagemaker:eu-west-1:1:model-package/credit/3"


def test_model_fn_refuses_a_model_with_another_feature_order(trained_model, tmp_path):
    copy = shutil.copytree(trained_model.model_dir, tmp_path / "model")
    metadata = json.loads((copy / "metadata.json").read_text())
    metadata["features"] = list(reversed(metadata["features"]))
    (copy / "metadata.json").write_text(json.dumps(metadata))
    with pytest.raises(ValueError, match="do not belong together"):
        model_fn(str(copy))


def test_null_is_scored_as_the_training_pipeline_scores_it(served, trained_model):
    pipeline = joblib.load(trained_model.model_dir / "model.joblib")
    rows = np.array([[0, np.nan, 30, np.nan, 0], [4, 130.0, 30, np.nan, 1]])
    np.testing.assert_allclose(
        served.forest_scores(rows), pipeline.predict_proba(rows)[:, 1], atol=1e-6, rtol=0
    )


def test_scores_and_probabilities_equal_the_two_separate_outputs(served, feature_frame):
    rows = feature_frame.loc[:, list(schema.FEATURES)].to_numpy(dtype=np.float64, na_value=np.nan)
    scores, probabilities = served.scores_and_probabilities(rows)
    np.testing.assert_array_equal(scores, served.forest_scores(rows))
    np.testing.assert_array_equal(probabilities, served.predict_proba(rows))
    assert scores.shape == probabilities.shape == (len(rows),)
    assert not np.array_equal(scores, probabilities)  # the calibration changed the forest's score
