"""S3 transfers the way SageMaker does them for jobs: download an S3Prefix into a local path, upload
a local directory under a prefix."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def split_s3_uri(uri: str) -> tuple[str, str]:
    if not uri.startswith("s3://"):
        raise ValueError(f"{uri!r} is not an s3:// URI")
    bucket, _, key = uri[5:].partition("/")
    if not bucket:
        raise ValueError(f"{uri!r} has no bucket")
    return bucket, key


def download_prefix(s3: Any, uri: str, local_dir: Path) -> list[Path]:
    """Every object whose key starts with the URI's key, placed under `local_dir` by its key
    relative to the prefix's last '/' (SageMaker's S3Prefix layout: `s3://b/in/x.csv` lands as
    `<local_dir>/x.csv`, `s3://b/code/` keeps the tree below `code/`)."""
    bucket, prefix = split_s3_uri(uri)
    base = prefix[: prefix.rfind("/") + 1]
    local_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            key = item["Key"]
            if key.endswith("/"):
                continue
            target = local_dir / key[len(base) :]
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, key, str(target))
            written.append(target)
    log.debug("downloaded %d object(s) from %s to %s", len(written), uri, local_dir)
    return written


def upload_directory(s3: Any, local_dir: Path, uri: str) -> list[str]:
    """Upload every file below `local_dir` to `<uri>/<relative path>`; returns the keys."""
    bucket, prefix = split_s3_uri(uri)
    prefix = prefix.rstrip("/")
    keys: list[str] = []
    for path in sorted(p for p in local_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(local_dir).as_posix()
        key = f"{prefix}/{relative}" if prefix else relative
        s3.upload_file(str(path), bucket, key)
        keys.append(key)
    log.debug("uploaded %d file(s) from %s to %s", len(keys), local_dir, uri)
    return keys


def download_object(s3: Any, uri: str, target: Path) -> Path:
    bucket, key = split_s3_uri(uri)
    target.parent.mkdir(parents=True, exist_ok=True)
    s3.download_file(bucket, key, str(target))
    return target
