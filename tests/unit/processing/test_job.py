"""The processing job's decisions that the corpus does not cover."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jobs.processing import job
from jobs.processing.report import FAILURE_REASON_LIMIT, failure_summary
from tests.fixtures.processing import ProcessingResult, raw_row, write_raw_csv

Runner = Callable[[Path], ProcessingResult]


def test_main_rejects_an_input_dir_without_csv_files(
    tmp_path: Path, run_processing: Runner
) -> None:
    input_dir = tmp_path / "in"
    input_dir.mkdir()
    (input_dir / "notes.txt").write_text("not a csv")

    result = run_processing(input_dir)

    assert result.exit_code == 1
    assert result.report["rules_broken"] == ["input.no_csv_files"]


def test_main_counts_every_bad_row_and_keeps_only_the_first_examples(
    tmp_path: Path, run_processing: Runner
) -> None:
    rows = [raw_row(loan_id=str(i), status="2" if i % 2 else "0") for i in range(1, 22)]
    write_raw_csv(tmp_path / "in" / "loans.csv", rows)

    result = run_processing(tmp_path / "in")

    error = result.error("value.not_0_or_1", "status")
    assert error["count"] == 11
    assert [e["row"] for e in error["examples"]] == [2, 4, 6, 8, 10]
    assert {e["value"] for e in error["examples"]} == {"2"}


def test_main_reports_every_broken_rule_of_one_row(tmp_path: Path, run_processing: Runner) -> None:
    write_raw_csv(
        tmp_path / "in" / "loans.csv",
        [
            raw_row(
                loan_id="x", id="", flag_own_car="1", loan_amount="-1", job_start_date="2020-2-1"
            )
        ],
    )

    result = run_processing(tmp_path / "in")

    assert set(result.report["rules_broken"]) == {
        "value.not_positive_integer",
        "value.missing",
        "value.not_y_or_n",
        "value.not_positive_number",
        "value.not_a_date",
    }
    assert result.error("value.missing", "id")["examples"][0]["row"] == 2
    assert result.error("value.not_a_date", "job_start_date")["examples"][0]["value"] == "2020-2-1"


def test_main_birthday_example_shows_the_loan_date(tmp_path: Path, run_processing: Runner) -> None:
    write_raw_csv(
        tmp_path / "in" / "a.csv", [raw_row(birthday="2020-03-06", loan_date="2020-03-05")]
    )

    example = run_processing(tmp_path / "in").error("birthday.not_before_loan_date")["examples"][0]

    assert example == {"file": "a.csv", "row": 2, "value": "2020-03-06", "loan_date": "2020-03-05"}


def test_main_removes_stale_features_when_a_later_input_is_rejected(
    tmp_path: Path, run_processing: Runner
) -> None:
    write_raw_csv(tmp_path / "in" / "a.csv", [raw_row()])
    assert run_processing(tmp_path / "in").features is not None

    write_raw_csv(tmp_path / "in" / "a.csv", [raw_row(status="9")])
    result = run_processing(tmp_path / "in")

    assert result.exit_code == 1
    assert result.features is None


def test_main_accepts_the_sentinel_and_empty_job_dates_as_null_years(
    tmp_path: Path, run_processing: Runner
) -> None:
    write_raw_csv(
        tmp_path / "in" / "a.csv",
        [
            raw_row(loan_id="1", job_start_date="3021-09-18"),
            raw_row(loan_id="2", job_start_date=""),
            raw_row(loan_id="3", job_start_date="2020-03-06", loan_date="2020-03-05"),
            raw_row(loan_id="4", job_start_date="2019-03-05", loan_date="2020-03-05"),
        ],
    )

    features = run_processing(tmp_path / "in").features

    assert features is not None
    assert features["years_on_the_job"].isna().tolist() == [True, True, True, False]
    assert features["years_on_the_job"].dtype == "Int32"
    assert features["years_on_the_job"].iloc[3] == 1


def test_failure_summary_fits_sagemaker_failure_reason() -> None:
    error = {
        "rule": "value.not_a_date",
        "column": "loan_date",
        "count": 3,
        "examples": [{"file": "x" * 300, "row": 2, "value": "y" * 500}],
    }
    report = {"errors": [{**error, "rule": f"rule.{i}"} for i in range(20)], "files": [{}]}

    text = failure_summary(report)

    assert len(text) <= FAILURE_REASON_LIMIT
    assert text.startswith("Raw data rejected: 20 rule(s)")
    assert text.endswith("(see validation_report.json)")


def test_write_failure_file_skips_the_sagemaker_default_outside_sagemaker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    default = tmp_path / "missing-folder" / "message"
    monkeypatch.setattr(job, "DEFAULT_FAILURE_FILE", default)

    job.write_failure_file(default, "why")
    assert not default.exists()

    chosen = tmp_path / "chosen" / "message"
    job.write_failure_file(chosen, "why")
    assert chosen.read_text() == "why\n"


def test_parse_args_defaults_are_the_sagemaker_paths(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(job, "DEFAULT_INPUT_DIR", Path("."))
    args = job.parse_args(["--input-dir", "."])
    assert args.output_dir == Path("/opt/ml/processing/output")
    assert args.failure_file == Path("/opt/ml/output/message")
