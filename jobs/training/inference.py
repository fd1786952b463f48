"""Serving functions of the credit-risk model, for SageMaker's scikit-learn serving container.

The container (and the local endpoint server) imports this file as `code/inference.py` from
model.tar.gz and calls `model_fn` once, then `input_fn -> predict_fn -> output_fn` per request.
It is self-contained on purpose: the standard library, numpy and onnxruntime only, never `jobs.`.

The model is the training job's random forest compiled to ONNX (`model.onnx`) and evaluated by
ONNX Runtime: the same trees, the same routing as scikit-learn (see docs/training.md), in tens of
microseconds per row instead of milliseconds. Nulls are filled inside the ONNX graph exactly as the
scikit-learn pipeline fills them in training, and the graph also applies the calibration fitted in
training; the decision compares that probability with the threshold chosen there.

Requests (ARCHITECTURE.md 3.4, interfaces.md section 5), one or many rows:
- `application/json`: `{"instances": [...]}` whose items are objects keyed by feature name or
  lists of five values in feature order; or one such object or list alone. `null` (or, in an
  object, a missing key) is a null, allowed for the features that can be null.
- `text/csv`: one row per line, five fields in feature order, an empty field is a null.
Bad requests raise `InvalidInputError` (a client error, `status_code` 400); an unsupported
content type or accept type raises its subclass with 415 or 406.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort

# Feature order of the model (jobs.schema.FEATURES; a unit test keeps them equal).
FEATURES: tuple[str, ...] = (
    "nb_previous_loans",
    "avg_amount_loans_previous",
    "age",
    "years_on_the_job",
    "flag_own_car",
)
NULLABLE_FEATURES: frozenset[str] = frozenset({"avg_amount_loans_previous", "years_on_the_job"})
ONNX_FILE = "model.onnx"
METADATA_FILE = "metadata.json"
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"
# The graph's outputs: the forest's own probabilities, and the calibrated probability of default.
FOREST_OUTPUT = "probabilities"
PROBABILITY_OUTPUT = "probability_of_default"

_FEATURE_SET = frozenset(FEATURES)
_ACCEPTS_JSON = frozenset({JSON_TYPE, "application/*", "*/*", ""})


class InvalidInputError(ValueError):
    """The request cannot be scored as sent: a client error."""

    status_code = 400


class UnsupportedMediaTypeError(InvalidInputError):
    """The request's content type is neither JSON nor CSV."""

    status_code = 415


class NotAcceptableError(InvalidInputError):
    """The client accepts no type this model can answer in (JSON)."""

    status_code = 406


class CreditRiskModel:
    """The loaded model: ONNX session, decision threshold and version."""

    def __init__(self, session: ort.InferenceSession, threshold: float, model_version: str) -> None:
        self.session = session
        self.threshold = threshold
        self.model_version = model_version
        self._input_name = session.get_inputs()[0].name

    def forest_scores(self, rows: np.ndarray) -> np.ndarray:
        """The forest's probability of class 1 for float64 rows (NaN = null), as scikit-learn's.

        The graph fills nulls and rounds values exactly as the scikit-learn pipeline does before
        its trees compare them with their thresholds (docs/training.md, "Exactness").
        """
        (probabilities,) = self._run([FOREST_OUTPUT], rows)
        return _class_one(probabilities)

    def predict_proba(self, rows: np.ndarray) -> np.ndarray:
        """Calibrated probability of default for each row (computed inside the graph)."""
        (probabilities,) = self._run([PROBABILITY_OUTPUT], rows)
        return np.asarray(probabilities, dtype=np.float64)

    def scores_and_probabilities(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`forest_scores` and `predict_proba` of the same rows from one run of the graph."""
        forest, calibrated = self._run([FOREST_OUTPUT, PROBABILITY_OUTPUT], rows)
        return _class_one(forest), np.asarray(calibrated, dtype=np.float64)

    def _run(self, outputs: list[str], rows: np.ndarray) -> list[np.ndarray]:
        features = np.ascontiguousarray(rows, dtype=np.float64)
        result: list[np.ndarray] = self.session.run(outputs, {self._input_name: features})
        return result


def _class_one(probabilities: np.ndarray) -> np.ndarray:
    return np.asarray(probabilities[:, 1], dtype=np.float64)


def model_fn(model_dir: str) -> CreditRiskModel:
    """Load the model directory (the extracted model.tar.gz)."""
    directory = Path(model_dir)
    metadata = json.loads((directory / METADATA_FILE).read_text(encoding="utf-8"))
    if tuple(metadata["features"]) != FEATURES:
        raise ValueError(
            f"model features {metadata['features']} differ from this code's feature order "
            f"{list(FEATURES)}: the model and code/inference.py do not belong together"
        )
    options = ort.SessionOptions()
    # One thread per request: the forest is small, and thread hand-offs cost more than they save.
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(
        str(directory / ONNX_FILE), options, providers=["CPUExecutionProvider"]
    )
    # The workflow's CreateModel sets MODEL_VERSION to the model package ARN.
    version = os.environ.get("MODEL_VERSION") or str(metadata["training_job"])
    return CreditRiskModel(session, float(metadata["threshold"]), version)


def input_fn(input_data: bytes | str, content_type: str | None) -> np.ndarray:
    """Parse a JSON or CSV request into a float64 matrix in feature order, NaN for nulls."""
    media_type = _media_type(content_type or JSON_TYPE)
    if media_type not in (JSON_TYPE, CSV_TYPE):
        raise UnsupportedMediaTypeError(
            f"content type {content_type!r} is not supported; send {JSON_TYPE} or {CSV_TYPE}"
        )
    text = _decode(input_data)
    if not text.strip():
        raise InvalidInputError("the request body is empty")
    rows = _json_rows(text) if media_type == JSON_TYPE else _csv_rows(text)
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def predict_fn(input_data: np.ndarray, model: CreditRiskModel) -> dict[str, Any]:
    """Score the rows: probability of default and the decision at the model's threshold."""
    probabilities = model.predict_proba(input_data)
    threshold = model.threshold
    return {
        "predictions": [
            {
                "probability_of_default": probability,
                "decision": "decline" if probability >= threshold else "accept",
            }
            for probability in probabilities.tolist()
        ],
        "threshold": threshold,
        "model_version": model.model_version,
    }


def output_fn(prediction: Mapping[str, Any], accept: str | None) -> tuple[str, str]:
    """Serialize the response as JSON; returns (body, content type) as the container expects."""
    accepted = {_media_type(part) for part in (accept or "").split(",")}
    if not accepted & _ACCEPTS_JSON:
        raise NotAcceptableError(f"accept type {accept!r} is not supported; accept {JSON_TYPE}")
    return json.dumps(prediction), JSON_TYPE


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInputError(f"the request body is not UTF-8 text: {error}") from None


def _json_rows(text: str) -> list[list[float]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"the request body is not valid JSON: {error}") from None
    if isinstance(document, dict) and "instances" in document:
        if len(document) > 1:
            extra = sorted(set(document) - {"instances"})
            raise InvalidInputError(f"unexpected top-level keys {extra}; send only 'instances'")
        instances = document["instances"]
        if not isinstance(instances, list) or not instances:
            raise InvalidInputError("'instances' must be a non-empty list of instances")
        return [_instance_row(item, f"instance {n}") for n, item in enumerate(instances, 1)]
    return [_instance_row(document, "the instance")]


def _instance_row(instance: object, where: str) -> list[float]:
    if isinstance(instance, dict):
        unknown = set(instance) - _FEATURE_SET
        if unknown:
            raise InvalidInputError(
                f"{where}: unknown feature(s) {sorted(unknown)}; expected {list(FEATURES)}"
            )
        return [_number(instance.get(name), name, where) for name in FEATURES]
    if isinstance(instance, list):
        if len(instance) != len(FEATURES):
            raise InvalidInputError(
                f"{where}: expected {len(FEATURES)} values in the order {list(FEATURES)}, "
                f"got {len(instance)}"
            )
        return [_number(value, name, where) for name, value in zip(FEATURES, instance, strict=True)]
    raise InvalidInputError(
        f"{where}: expected an object keyed by feature name or a list of {len(FEATURES)} values, "
        f"got {type(instance).__name__}"
    )


def _csv_rows(text: str) -> list[list[float]]:
    rows: list[list[float]] = []
    for line_number, fields in enumerate(csv.reader(io.StringIO(text)), 1):
        if not fields:
            continue
        where = f"CSV line {line_number}"
        if len(fields) != len(FEATURES):
            raise InvalidInputError(
                f"{where}: expected {len(FEATURES)} fields in the order {list(FEATURES)}, "
                f"got {len(fields)}"
            )
        rows.append(
            [_csv_number(field, name, where) for name, field in zip(FEATURES, fields, strict=True)]
        )
    if not rows:
        raise InvalidInputError("the CSV body has no rows")
    return rows


def _csv_number(field: str, feature: str, where: str) -> float:
    text = field.strip()
    if not text:
        return _number(None, feature, where)
    try:
        value = float(text)
    except ValueError:
        raise InvalidInputError(f"{where}: {feature} {field!r} is not a number") from None
    return _number(value, feature, where)


def _number(value: object, feature: str, where: str) -> float:
    """Check one feature value; None becomes NaN (null) where the feature can be null."""
    if value is None:
        if feature in NULLABLE_FEATURES:
            return math.nan
        raise InvalidInputError(f"{where}: {feature} is required (it is never null)")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(f"{where}: {feature} must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise InvalidInputError(f"{where}: {feature} {value!r} is out of range") from None
    if not math.isfinite(number) or number < 0:
        raise InvalidInputError(f"{where}: {feature} must be a finite number >= 0, got {value!r}")
    return number
