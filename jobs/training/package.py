"""`model.tar.gz` as SageMaker builds it from the model directory, for the local stack and tests.

SageMaker Training tars `/opt/ml/model` with the files at the archive root; the scikit-learn
serving container extracts it to `/opt/ml/model` and imports `code/inference.py` (installing
`code/requirements.txt` first). The archive here is the same, and reproducible: sorted entries,
no timestamps or owners, so the same model directory always gives the same bytes.
"""

from __future__ import annotations

import gzip
import tarfile
from pathlib import Path

REQUIRED_FILES = (
    "model.onnx",
    "model.joblib",
    "metadata.json",
    "code/inference.py",
    "code/requirements.txt",
)


def make_model_tarball(model_dir: Path | str, dest: Path | str) -> Path:
    """Pack `model_dir` into `dest` (a model.tar.gz path) and return `dest`."""
    source, target = Path(model_dir), Path(dest)
    missing = [name for name in REQUIRED_FILES if not (source / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{source} is not a complete model directory: missing {missing}")
    target.parent.mkdir(parents=True, exist_ok=True)
    entries = sorted(
        (path for path in source.rglob("*") if not _is_cache(path.relative_to(source))),
        key=lambda path: path.relative_to(source).as_posix(),
    )
    with (
        target.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for path in entries:
            if path.is_dir() or path.is_file():
                archive.add(
                    path, arcname=path.relative_to(source).as_posix(), recursive=False,
                    filter=_normalised,
                )  # fmt: skip
    return target


def _is_cache(relative: Path) -> bool:
    return "__pycache__" in relative.parts or relative.suffix == ".pyc"


def _normalised(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o755 if info.isdir() else 0o644
    return info
