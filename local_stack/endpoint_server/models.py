"""Load a model.tar.gz through its own `code/inference.py` and run requests through it.

This mirrors SageMaker's scikit-learn serving container: the archive is extracted to a model
directory, `code/` is importable, the container's environment (for example MODEL_VERSION) is set
while the module is imported and `model_fn(model_dir)` runs, and each request goes through
`input_fn -> predict_fn -> output_fn`.
"""

from __future__ import annotations

import importlib.util
import itertools
import logging
import os
import shutil
import sys
import tarfile
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

log = logging.getLogger(__name__)

INFERENCE_SCRIPT = Path("code") / "inference.py"
SERVING_FUNCTIONS = ("model_fn", "input_fn", "predict_fn", "output_fn")
DEFAULT_CONTENT_TYPE = "application/json"

# os.environ is process-wide: loads that set a model's environment take turns.
_ENVIRONMENT_LOCK = threading.Lock()
_MODULE_NUMBERS = itertools.count(1)


class ModelLoadError(RuntimeError):
    """The model.tar.gz could not be extracted, imported or loaded by its model_fn."""


@dataclass(frozen=True)
class ModelResponse:
    """What the model container answered: 200 with a body, or an error status and message."""

    status: int
    body: bytes
    content_type: str

    @property
    def ok(self) -> bool:
        return self.status == 200


class LoadedModel:
    """One model.tar.gz, extracted and loaded; `invoke` serves a request through it."""

    def __init__(self, module: ModuleType, model: Any, model_dir: Path) -> None:
        self.module = module
        self.model = model
        self.model_dir = model_dir
        self._input_fn = module.input_fn
        self._predict_fn = module.predict_fn
        self._output_fn = module.output_fn

    def invoke(self, body: bytes, content_type: str | None, accept: str | None) -> ModelResponse:
        try:
            data = self._input_fn(body, content_type)
            prediction = self._predict_fn(data, self.model)
            result = self._output_fn(prediction, accept)
        except Exception as error:
            status = error_status(error)
            if status >= 500:
                log.exception("model code failed")
            else:
                log.info("model code rejected the request (%d): %s", status, error)
            return ModelResponse(status, str(error).encode("utf-8"), "text/plain")
        return _as_response(result, accept)

    def unload(self) -> None:
        """Forget the module and delete the extracted files (in-flight requests keep working)."""
        sys.modules.pop(self.module.__name__, None)
        shutil.rmtree(self.model_dir, ignore_errors=True)


def error_status(error: BaseException) -> int:
    """The HTTP status the model code meant: an error's `status_code` when 4xx/5xx, else 500."""
    status = getattr(error, "status_code", None)
    if isinstance(status, int) and 400 <= status <= 599:
        return status
    return 500


def load_model(
    tarball: Path, work_dir: Path, environment: Mapping[str, str] | None = None
) -> LoadedModel:
    """Extract `tarball` under `work_dir` and load it through its code/inference.py."""
    if not tarball.is_file():
        raise ModelLoadError(f"model data {tarball} does not exist or is not a file")
    model_dir = Path(tempfile.mkdtemp(prefix="model-", dir=work_dir))
    try:
        try:
            with tarfile.open(tarball) as archive:
                archive.extractall(model_dir, filter="data")
        except (tarfile.TarError, OSError) as error:
            raise ModelLoadError(f"{tarball} is not a readable model.tar.gz: {error}") from error
        script = model_dir / INFERENCE_SCRIPT
        if not script.is_file():
            raise ModelLoadError(f"{tarball} has no {INFERENCE_SCRIPT.as_posix()}")
        with _environment(environment or {}):
            module = _import_script(script)
            try:
                model = module.model_fn(str(model_dir))
            except Exception as error:
                sys.modules.pop(module.__name__, None)
                raise ModelLoadError(
                    f"model_fn of {tarball} failed: {type(error).__name__}: {error}"
                ) from error
    except BaseException:
        shutil.rmtree(model_dir, ignore_errors=True)
        raise
    return LoadedModel(module, model, model_dir)


def _import_script(script: Path) -> ModuleType:
    name = f"_local_endpoint_model_{next(_MODULE_NUMBERS)}"
    spec = importlib.util.spec_from_file_location(name, script)
    if spec is None or spec.loader is None:
        raise ModelLoadError(f"cannot import {script}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    # As in the container, the script's own folder is importable while it loads.
    sys.path.insert(0, str(script.parent))
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        sys.modules.pop(name, None)
        raise ModelLoadError(
            f"importing {INFERENCE_SCRIPT.as_posix()} failed: {type(error).__name__}: {error}"
        ) from error
    finally:
        sys.path.remove(str(script.parent))
    missing = [fn for fn in SERVING_FUNCTIONS if not callable(getattr(module, fn, None))]
    if missing:
        sys.modules.pop(name, None)
        raise ModelLoadError(f"{INFERENCE_SCRIPT.as_posix()} does not define {missing}")
    return module


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    with _ENVIRONMENT_LOCK:
        saved = {key: os.environ.get(key) for key in values}
        os.environ.update(values)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


def _as_response(result: Any, accept: str | None) -> ModelResponse:
    """output_fn's result: (body, content type) as the container takes it, or a bare body."""
    if isinstance(result, tuple) and len(result) == 2:
        body, content_type = result
    else:
        body, content_type = result, None
    if isinstance(body, str):
        body = body.encode("utf-8")
    if not isinstance(body, bytes | bytearray):
        return ModelResponse(
            500,
            f"output_fn returned {type(body).__name__}, not str or bytes".encode(),
            "text/plain",
        )
    media = content_type or (accept if accept and "*" not in accept else DEFAULT_CONTENT_TYPE)
    return ModelResponse(200, bytes(body), media)
