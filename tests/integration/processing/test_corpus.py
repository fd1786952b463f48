"""The malformed and the good-but-odd corpora under tests/data/processing, through `main()`."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.processing import ProcessingResult
from tests.unit.processing.reference import reference_features
from tests.unit.processing.test_features_property import assert_same_features

DATA = Path(__file__).resolve().parents[2] / "data" / "processing"
MALFORMED = json.loads((DATA / "malformed" / "manifest.json").read_text(encoding="utf-8"))
ACCEPTED = json.loads((DATA / "accepted" / "manifest.json").read_text(encoding="utf-8"))

Runner = Callable[[Path], ProcessingResult]


def stage(source: Path, tmp_path: Path) -> Path:
    """Copy one corpus entry (a file or a folder of files) into a fresh input dir."""
    input_dir = tmp_path / "input"
    if source.is_dir():
        shutil.copytree(source, input_dir)
    else:
        input_dir.mkdir()
        shutil.copy(source, input_dir / source.name)
    return input_dir


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_malformed_corpus_has_at_least_twenty_entries() -> None:
    assert len(MALFORMED) >= 20
    assert {p.name for p in (DATA / "malformed").iterdir()} == {*MALFORMED, "manifest.json"}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_main_rejects_malformed_file_naming_its_rule(
    name: str, tmp_path: Path, run_processing: Runner
) -> None:
    expected: dict[str, Any] = MALFORMED[name]
    input_dir = stage(DATA / "malformed" / name, tmp_path)
    before = digests(input_dir)

    result = run_processing(input_dir)

    assert result.exit_code == 1
    assert result.report["status"] == "rejected"
    error = result.error(expected["rule"], expected["column"])
    assert error["count"] >= 1
    assert error["examples"][0]["row"] == expected["row"]
    if "file" in expected:
        assert error["examples"][0]["file"] == expected["file"]
    assert result.features is None
    assert result.failure_text is not None
    assert expected["rule"] in result.failure_text
    assert digests(input_dir) == before  # the raw object is never modified


def read_rows_with_python(input_dir: Path) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for path in sorted(input_dir.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows.extend(csv.DictReader(handle))
    return rows


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_main_accepts_odd_but_valid_file(name: str, tmp_path: Path, run_processing: Runner) -> None:
    input_dir = stage(DATA / "accepted" / name, tmp_path)

    result = run_processing(input_dir)

    assert result.exit_code == 0, result.report.get("errors")
    assert result.report["status"] == "accepted"
    assert result.report["errors"] == []
    assert result.features is not None
    assert len(result.features) == ACCEPTED[name]["rows"]
    assert_same_features(result.features, reference_features(read_rows_with_python(input_dir)))
