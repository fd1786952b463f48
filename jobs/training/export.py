"""Write the model directory (interfaces.md section 3) and check its ONNX form against scikit-learn.

`model.onnx` is what serving runs; `model.joblib` is the scikit-learn pipeline it was compiled
from (for analysis and re-export; unpickling it needs the same scikit-learn version).
"""

from __future__ import annotations

import functools
import json
import logging
import shutil
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import onnx
from onnx import helper, numpy_helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import DoubleTensorType
from skl2onnx.operator_converters.random_forest import convert_sklearn_random_forest_classifier
from skl2onnx.shape_calculators.ensemble_shapes import calculate_tree_classifier_output_shapes
from skl2onnx.shape_calculators.imputer import calculate_sklearn_imputer_output_shapes
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline

from jobs.schema import FEATURES
from jobs.training import inference
from jobs.training.model import SCORE_CLIP, Calibration

log = logging.getLogger(__name__)

ONNX_FILE = inference.ONNX_FILE
METADATA_FILE = inference.METADATA_FILE
JOBLIB_FILE = "model.joblib"
CODE_DIR = "code"
SERVING_REQUIREMENTS = Path(__file__).with_name("serving_requirements.txt")
# Default ONNX domain and ai.onnx.ml opsets: both supported by onnxruntime >= 1.18.
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
PARITY_TOLERANCE = 1e-6
ONNX_INPUT = "features"


class ParityError(RuntimeError):
    """The ONNX model does not reproduce scikit-learn's probabilities."""


def pipeline_to_onnx(pipeline: Pipeline, calibration: Calibration) -> onnx.ModelProto:
    """Compile the fitted pipeline (null filler + forest) and its calibration to one ONNX graph.

    Input `features` (float64, NaN = null); outputs `probabilities` (the forest's, as scikit-learn's
    predict_proba) and `probability_of_default` (calibrated, float64), what serving answers.

    The graph reproduces scikit-learn's arithmetic, not just its trees (docs/training.md):
    - nulls (NaN) become the pipeline's fill value (IsNaN + Where: ONNX Runtime's Imputer takes
      no float64);
    - the filled values are rounded to float32 and back, as scikit-learn's trees round their input
      before comparing it with their (float64) thresholds; skl2onnx stores each threshold as the
      float32 value that gives the same comparison for every float32 input, so every value routes
      exactly as in scikit-learn, even one a hair away from a threshold;
    - the forest runs on float64 (TreeEnsembleClassifier of ai.onnx.ml 3), so its 200 tree votes
      are summed in double precision; only the forest's probability is float32 (error < 1e-7);
    - the calibration runs in float64 on it, in the graph (a handful of nodes, microseconds).
    """
    model = convert_sklearn(
        pipeline,
        initial_types=[(ONNX_INPUT, DoubleTensorType([None, len(FEATURES)]))],
        target_opset=TARGET_OPSET,
        options={id(pipeline.steps[-1][1]): {"zipmap": False}},
        custom_conversion_functions={
            SimpleImputer: _convert_null_filler,
            RandomForestClassifier: functools.partial(
                convert_sklearn_random_forest_classifier, op_version=3
            ),
        },
        custom_shape_calculators={
            SimpleImputer: calculate_sklearn_imputer_output_shapes,
            RandomForestClassifier: calculate_tree_classifier_output_shapes,
        },
    )
    if not isinstance(model, onnx.ModelProto):  # convert_sklearn's declared type is wider
        raise TypeError(f"skl2onnx returned {type(model).__name__}, not an ONNX model")
    _append_calibration(model.graph, calibration)
    onnx.checker.check_model(model)
    return model


def _append_calibration(graph: onnx.GraphProto, calibration: Calibration) -> None:
    """probability_of_default = sigmoid(slope * logit(clip(probabilities[:, 1])) + intercept)."""
    constants = {
        "class_one": numpy_helper.from_array(np.array(1, dtype=np.int64)),
        "score_min": numpy_helper.from_array(np.array(SCORE_CLIP)),
        "score_max": numpy_helper.from_array(np.array(1.0 - SCORE_CLIP)),
        "one": numpy_helper.from_array(np.array(1.0)),
        "slope": numpy_helper.from_array(np.array(calibration.slope)),
        "intercept": numpy_helper.from_array(np.array(calibration.intercept)),
    }
    for name, tensor in constants.items():
        tensor.name = f"calibration_{name}"
        graph.initializer.append(tensor)

    def c(name: str) -> str:
        return f"calibration_{name}"

    graph.node.extend(
        [
            helper.make_node(
                "Gather", [inference.FOREST_OUTPUT, c("class_one")], [c("score32")], axis=1
            ),
            helper.make_node("Cast", [c("score32")], [c("score")], to=onnx.TensorProto.DOUBLE),
            helper.make_node("Clip", [c("score"), c("score_min"), c("score_max")], [c("clipped")]),
            helper.make_node("Sub", [c("one"), c("clipped")], [c("complement")]),
            helper.make_node("Log", [c("clipped")], [c("log_score")]),
            helper.make_node("Log", [c("complement")], [c("log_complement")]),
            helper.make_node("Sub", [c("log_score"), c("log_complement")], [c("logit")]),
            helper.make_node("Mul", [c("logit"), c("slope")], [c("scaled")]),
            helper.make_node("Add", [c("scaled"), c("intercept")], [c("linear")]),
            helper.make_node("Sigmoid", [c("linear")], [inference.PROBABILITY_OUTPUT]),
        ]
    )
    graph.output.append(
        helper.make_tensor_value_info(inference.PROBABILITY_OUTPUT, onnx.TensorProto.DOUBLE, [None])
    )


def _convert_null_filler(scope: Any, operator: Any, container: Any) -> None:
    """SimpleImputer(constant) on float64, then the float32 rounding of scikit-learn's trees."""
    imputer: SimpleImputer = operator.raw_operator
    if imputer.strategy != "constant" or not np.isnan(imputer.missing_values):
        raise NotImplementedError("only a constant fill of NaN is compiled")
    rows = operator.inputs[0].full_name
    fill = scope.get_unique_variable_name("fill_value")
    is_null = scope.get_unique_variable_name("is_null")
    filled = scope.get_unique_variable_name("filled")
    as_float32 = scope.get_unique_variable_name("as_float32")
    container.add_initializer(fill, onnx.TensorProto.DOUBLE, [], [float(imputer.fill_value)])
    container.add_node("IsNaN", [rows], [is_null], name=scope.get_unique_operator_name("IsNaN"))
    container.add_node(
        "Where", [is_null, fill, rows], [filled], name=scope.get_unique_operator_name("Where")
    )
    container.add_node(
        "Cast", [filled], [as_float32], to=onnx.TensorProto.FLOAT,
        name=scope.get_unique_operator_name("Cast"),
    )  # fmt: skip
    container.add_node(
        "Cast", [as_float32], [operator.outputs[0].full_name], to=onnx.TensorProto.DOUBLE,
        name=scope.get_unique_operator_name("Cast"),
    )  # fmt: skip


def write_model_dir(
    model_dir: Path, pipeline: Pipeline, calibration: Calibration, metadata: dict[str, Any]
) -> None:
    """model.onnx, model.joblib, metadata.json, code/inference.py, code/requirements.txt."""
    model_dir.mkdir(parents=True, exist_ok=True)
    onnx_model = pipeline_to_onnx(pipeline, calibration)
    (model_dir / ONNX_FILE).write_bytes(onnx_model.SerializeToString())
    joblib.dump(pipeline, model_dir / JOBLIB_FILE, compress=3)
    (model_dir / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n", encoding="utf-8")
    code_dir = model_dir / CODE_DIR
    code_dir.mkdir(exist_ok=True)
    shutil.copyfile(inference.__file__, code_dir / "inference.py")
    shutil.copyfile(SERVING_REQUIREMENTS, code_dir / "requirements.txt")
    log.info("model directory written to %s", model_dir)


def check_parity(
    pipeline: Pipeline,
    calibration: Calibration,
    rows: np.ndarray,
    served_scores: np.ndarray,
    served_probabilities: np.ndarray,
) -> float:
    """Largest difference, on `rows`, between what the served model (ONNX) answered for them
    (`CreditRiskModel.scores_and_probabilities`: the forest's probabilities and the calibrated
    probabilities of default) and what scikit-learn computes.

    Raises ParityError above PARITY_TOLERANCE: a model that serves other numbers than scikit-learn
    would must never ship.
    """
    expected = pipeline.predict_proba(rows)[:, 1]
    difference = max(
        float(np.max(np.abs(served_scores - expected), initial=0.0)),
        float(np.max(np.abs(served_probabilities - calibration.apply(expected)), initial=0.0)),
    )
    if difference > PARITY_TOLERANCE:
        raise ParityError(
            f"ONNX and scikit-learn probabilities differ by up to {difference:.3g} "
            f"(tolerance {PARITY_TOLERANCE}) on {len(rows)} rows"
        )
    return difference
