"""Deployable artifacts, built reproducibly: one zip per Lambda function.

A function's zip holds its package, the shared package, `lambdas/__init__.py` and the column
names it imports (`jobs/__init__.py`, `jobs/schema.py`). boto3 comes with the Lambda runtime and
Powertools (with pydantic) from the AWS-managed Powertools layer, so neither is packed.

Reproducible: entries sorted, fixed timestamps and permissions, no bytecode; the same sources give
the same bytes, so Terraform's `source_code_hash` only changes when the code does.
"""

from __future__ import annotations

import hashlib
import io
import logging
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

FIXED_TIMESTAMP = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry
FILE_MODE = 0o100644  # regular file, rw-r--r--
SHARED_PACKAGE = "shared"
# Beyond the function's own package: what every handler imports.
COMMON_SOURCES = ("lambdas/__init__.py", "jobs/__init__.py", "jobs/schema.py")


@dataclass(frozen=True, slots=True)
class Artifact:
    path: Path
    size: int
    sha256: str


def lambda_functions(repo_root: Path) -> list[str]:
    """Every function package: a folder of lambdas/ with a handler.py."""
    return sorted(
        p.parent.name
        for p in (repo_root / "lambdas").glob("*/handler.py")
        if p.parent.name != SHARED_PACKAGE
    )


def lambda_sources(repo_root: Path, function: str) -> list[str]:
    """Repository-relative paths of the files in `function`'s zip, sorted."""
    package_dir = repo_root / "lambdas" / function
    if not (package_dir / "handler.py").is_file():
        raise ValueError(f"no Lambda function {function!r}: {package_dir}/handler.py is missing")
    files = set(COMMON_SOURCES)
    for package in (function, SHARED_PACKAGE):
        files.update(
            p.relative_to(repo_root).as_posix()
            for p in (repo_root / "lambdas" / package).rglob("*.py")
            if "__pycache__" not in p.parts
        )
    missing = sorted(f for f in files if not (repo_root / f).is_file())
    if missing:
        raise FileNotFoundError(f"files the {function} zip needs are missing: {missing}")
    return sorted(files)


def reproducible_zip(entries: Iterable[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=FIXED_TIMESTAMP)
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # unix, whatever the building machine
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compresslevel=9)
    return buffer.getvalue()


def write_if_changed(path: Path, content: bytes) -> Artifact:
    """Write `content` unless the file already holds exactly it (keeps its mtime for make)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_bytes() != content:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    return Artifact(path, len(content), hashlib.sha256(content).hexdigest())


def build_lambda_zip(repo_root: Path, function: str, out_dir: Path) -> Artifact:
    entries = [
        (name, (repo_root / name).read_bytes()) for name in lambda_sources(repo_root, function)
    ]
    artifact = write_if_changed(out_dir / "lambdas" / f"{function}.zip", reproducible_zip(entries))
    log.debug("built %s (%d bytes, %d files)", artifact.path, artifact.size, len(entries))
    return artifact


def build_lambdas(repo_root: Path, out_dir: Path) -> list[Artifact]:
    functions = lambda_functions(repo_root)
    if not functions:
        raise FileNotFoundError(f"no Lambda functions under {repo_root / 'lambdas'}")
    return [build_lambda_zip(repo_root, function, out_dir) for function in functions]
