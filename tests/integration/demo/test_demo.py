from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlops.cli import main
from tests.fixtures.processing import raw_row, write_raw_csv


@pytest.mark.slow
def test_demo_runs_processing_ingestion_and_reads_users_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["demo", "--users", "20", "--workdir", str(tmp_path / "demo")])

    out = capsys.readouterr().out
    assert code == 0
    assert "2. Processing: validated" in out
    assert out.count("= processing output") == 3
    report = json.loads((tmp_path / "demo" / "ingested" / "ingestion_report.json").read_text())
    assert report["status"] == "succeeded"
    assert report["online_records"] == 20


def test_demo_stops_at_a_rejected_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = write_raw_csv(tmp_path / "bad.csv", [raw_row(status="7")])

    code = main(["demo", "--data", str(data), "--workdir", str(tmp_path / "demo")])

    assert code == 1
    assert "REJECTED" in capsys.readouterr().out
    assert not (tmp_path / "demo" / "featurestore").exists()
