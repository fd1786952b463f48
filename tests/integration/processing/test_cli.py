"""`python -m jobs.processing` as SageMaker runs it: a subprocess, exit codes, files it leaves."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd

from jobs import schema
from tests.fixtures.processing import raw_row, write_raw_csv

DATA = Path(__file__).resolve().parents[2] / "data" / "processing"


def run_cli(repo_root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jobs.processing", *args],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_accepts_a_good_file_and_writes_contract_columns(
    repo_root: Path, tmp_path: Path
) -> None:
    input_dir = tmp_path / "in"
    write_raw_csv(
        input_dir / "loans.csv",
        [
            raw_row(loan_id="2", loan_date="2020-01-02", loan_amount="200"),
            raw_row(loan_id="1", loan_date="2020-01-01", loan_amount="100"),
        ],
    )
    output_dir = tmp_path / "out"

    done = run_cli(repo_root, "--input-dir", str(input_dir), "--output-dir", str(output_dir))

    assert done.returncode == 0, done.stderr
    features = pd.read_parquet(output_dir / "features").sort_values("loan_id", ignore_index=True)
    assert list(features.columns) == list(schema.FEATURE_TABLE_COLUMNS)
    assert features["nb_previous_loans"].tolist() == [0, 1]
    assert features["avg_amount_loans_previous"].isna().tolist() == [True, False]
    assert features.loc[1, "avg_amount_loans_previous"] == 100.0
    report = json.loads((output_dir / "validation_report.json").read_text())
    assert report["status"] == "accepted"
    assert report["features"]["rows"] == 2


def test_cli_rejects_a_broken_file_with_exit_1_report_and_failure_file(
    repo_root: Path, tmp_path: Path
) -> None:
    input_dir = tmp_path / "in"
    input_dir.mkdir()
    (input_dir / "feb_30.csv").write_bytes((DATA / "malformed" / "feb_30.csv").read_bytes())
    output_dir, failure = tmp_path / "out", tmp_path / "opt" / "message"

    done = run_cli(
        repo_root,
        *("--input-dir", str(input_dir), "--output-dir", str(output_dir)),
        *("--failure-file", str(failure)),
    )

    assert done.returncode == 1
    report = json.loads((output_dir / "validation_report.json").read_text())
    assert report["rules_broken"] == ["value.not_a_date"]
    assert report["errors"][0]["examples"][0] == {
        "file": "feb_30.csv",
        "row": 4,
        "value": "2020-02-30",
    }
    assert not (output_dir / "features").exists()
    summary = failure.read_text()
    assert "value.not_a_date in loan_date" in summary
    assert "row 4" in summary
    assert "value.not_a_date" in done.stderr


def test_cli_exits_2_on_a_missing_input_dir(repo_root: Path, tmp_path: Path) -> None:
    done = run_cli(
        repo_root, "--input-dir", str(tmp_path / "nope"), "--output-dir", str(tmp_path / "out")
    )

    assert done.returncode == 2
    assert "is not a directory" in done.stderr
    assert not (tmp_path / "out").exists()


def test_cli_accepts_a_file_without_importing_pandas(repo_root: Path, tmp_path: Path) -> None:
    """pyarrow imports pandas on first `pa.array`/`to_numpy`: 0.2-0.4 s the job must not spend."""
    input_dir = tmp_path / "in"
    write_raw_csv(input_dir / "loans.csv", [raw_row(loan_id="1"), raw_row(loan_id="2")])
    argv = ["--input-dir", str(input_dir), "--output-dir", str(tmp_path / "out")]
    script = (
        "import sys; from jobs.processing.job import main; "
        f"code = main({argv!r}); print(code, 'pandas' in sys.modules)"
    )

    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.stdout.split() == ["0", "False"], done.stderr
