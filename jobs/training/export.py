"""Write the model directory (interfaces.md section 3) and check its ONNX form against scikit-learn.

`model.onnx` is what serving runs; `model.joblib` is the scikit-learn pipeline it was compiled
from (for analysis and re-export; unpickling it needs the same scikit-learn version).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import onnx
from skl2onnx import to_onnx
from skl2onnx.common.data_types import FloatTensorType
from sklearn.ensemble import RandomForestClassifier
from sklearn.pipeline import Pipeline

from jobs.schema import FEATURES
from jobs.training import inference

log = logging.getLogger(__name__)

ONNX_FILE = inference.ONNX_FILE
METADATA_FILE = inference.METADATA_FILE
JOBLIB_FILE = "model.joblib"
CODE_DIR = "code"
SERVING_REQUIREMENTS = Path(__file__).with_name("serving_requirements.txt")
# Default ONNX domain and ai.onnx.ml opsets: both supported by onnxruntime >= 1.17.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
PARITY_TOLERANCE = 1e-6


class ParityError(RuntimeError):
    """The ONNX model does not reproduce scikit-learn's probabilities."""


def pipeline_to_onnx(pipeline: Pipeline) -> onnx.ModelProto:
    """Compile the fitted pipeline (null filler + forest) to one ONNX graph.

    The input is float32: scikit-learn's trees round their input to float32 and compare it with
    float64 thresholds; skl2onnx turns each threshold into the float32 value that gives the same
    comparison for every float32 input, so routing is identical. A float64 input would not be:
    values between a threshold and its float32 neighbours would take the other branch.
    """
    model = to_onnx(
        pipeline,
        initial_types=[("features", FloatTensorType([None, len(FEATURES)]))],
        target_opset=TARGET_OPSET,
        options={RandomForestClassifier: {"zipmap": False}},
    )
    if not isinstance(model, onnx.ModelProto):  # to_onnx's declared type is wider
        raise TypeError(f"skl2onnx returned {type(model).__name__}, not an ONNX model")
    return model


def write_model_dir(model_dir: Path, pipeline: Pipeline, metadata: dict[str, Any]) -> None:
    """model.onnx, model.joblib, metadata.json, code/inference.py, code/requirements.txt."""
    model_dir.mkdir(parents=True, exist_ok=True)
    (model_dir / ONNX_FILE).write_bytes(pipeline_to_onnx(pipeline).SerializeToString())
    joblib.dump(pipeline, model_dir / JOBLIB_FILE, compress=3)
    (model_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    code_dir = model_dir / CODE_DIR
    code_dir.mkdir(exist_ok=True)
    shutil.copyfile(inference.__file__, code_dir / "inference.py")
    shutil.copyfile(SERVING_REQUIREMENTS, code_dir / "requirements.txt")
    log.info("model directory written to %s", model_dir)


def check_parity(served: inference.CreditRiskModel, pipeline: Pipeline, rows: np.ndarray) -> float:
    """Largest difference between the served (ONNX) and scikit-learn forest scores on `rows`.

    Raises ParityError above PARITY_TOLERANCE: a model that serves other numbers than it was
    evaluated with must never ship.
    """
    expected = pipeline.predict_proba(rows)[:, 1]
    difference = float(np.max(np.abs(served.forest_scores(rows) - expected), initial=0.0))
    if difference > PARITY_TOLERANCE:
        raise ParityError(
            f"ONNX and scikit-learn probabilities differ by up to {difference:.3g} "
            f"(tolerance {PARITY_TOLERANCE}) on {len(rows)} rows"
        )
    return difference
