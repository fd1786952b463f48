"""The job code bundle the workflow's SageMaker jobs run (ARCHITECTURE.md 3.2-3.4, interfaces 2).

    build/jobs/processing/jobs/...   the `jobs` package: a processing input mounted at
                                     /opt/ml/processing/code, run as `python3 -m jobs.processing`
                                     (and `jobs.ingest`) with PYTHONPATH=/opt/ml/processing/code;
                                     the prebuilt scikit-learn image already has pandas, pyarrow,
                                     numpy and boto3
    build/jobs/sourcedir.tar.gz      script mode of the SageMaker scikit-learn container:
                                     train.py (runs `python -m jobs.training` with the toolkit's
                                     `--name value` hyperparameters), jobs/ and requirements.txt,
                                     which the container's toolkit pip-installs before training

    build/jobs/VERSION               a digest of the content: Terraform uploads the directory to
                                     `code/<version>/` in the artifacts bucket, so changed job code
                                     gets a new prefix and the same code the same one

All of it is byte-for-byte reproducible, and files whose bytes did not change are not rewritten.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

from mlops.packaging import Artifact, write_if_changed

TRAINING_ENTRY_POINT = "train.py"
TRAINING_ENTRY_SOURCE = (
    '"""SageMaker script-mode entry point (built by mlops.job_bundle)."""\n'
    "\n"
    "import runpy\n"
    "\n"
    'runpy.run_module("jobs.training", run_name="__main__", alter_sys=True)\n'
)
REQUIREMENTS = "requirements.txt"


@dataclass(frozen=True)
class JobBundle:
    processing_dir: Path  # contains jobs/
    sourcedir: Path  # sourcedir.tar.gz
    version: str  # digest of both, for code/<version>/
    artifacts: tuple[Artifact, ...]  # sourcedir.tar.gz and VERSION, for `mlops build`


def _package_files(package_dir: Path) -> list[Path]:
    return sorted(
        path
        for path in package_dir.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in {".pyc", ".pyo"}
    )


def _tar_info(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, 0, 0o644
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _reproducible_targz(members: list[tuple[str, bytes]]) -> bytes:
    raw = io.BytesIO()
    with (
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.PAX_FORMAT) as archive,
    ):
        for name, data in sorted(members):
            archive.addfile(_tar_info(name, len(data)), io.BytesIO(data))
    return raw.getvalue()


def build_job_bundle(repo_root: Path, out_dir: Path) -> JobBundle:
    """Write `<out_dir>/processing/jobs/...` and `<out_dir>/sourcedir.tar.gz` from
    `<repo_root>/jobs`; raises FileNotFoundError naming what is missing."""
    package_dir = repo_root / "jobs"
    requirements = package_dir / REQUIREMENTS
    for required in (package_dir / "__init__.py", requirements):
        if not required.is_file():
            raise FileNotFoundError(f"cannot build the job bundle: {required} is missing")
    files = [
        (f"jobs/{p.relative_to(package_dir).as_posix()}", p.read_bytes())
        for p in _package_files(package_dir)
    ]

    processing_dir = out_dir / "processing"
    for name, data in files:
        write_if_changed(processing_dir / name, data)
    wanted = {processing_dir / name for name, _ in files}
    for stale in [p for p in processing_dir.rglob("*") if p.is_file() and p not in wanted]:
        stale.unlink()  # a module deleted from jobs/ must not linger in the bundle

    sourcedir_members = [
        *files,
        (TRAINING_ENTRY_POINT, TRAINING_ENTRY_SOURCE.encode()),
        (REQUIREMENTS, requirements.read_bytes()),
    ]
    sourcedir = write_if_changed(
        out_dir / "sourcedir.tar.gz", _reproducible_targz(sourcedir_members)
    )
    digest = hashlib.sha256()
    for name, data in sorted(sourcedir_members):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    version = digest.hexdigest()[:16]
    version_file = write_if_changed(out_dir / "VERSION", f"{version}\n".encode())
    return JobBundle(processing_dir, sourcedir.path, version, (sourcedir, version_file))


def build_jobs(repo_root: Path, out_dir: Path) -> list[Artifact]:
    """The `mlops build` builder: the bundle under `<out_dir>/jobs/`."""
    return list(build_job_bundle(repo_root, out_dir / "jobs").artifacts)
