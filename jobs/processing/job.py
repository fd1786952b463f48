"""`python -m jobs.processing`: validate raw loan CSVs and write the feature table.

Exit codes: 0 accepted (features written), 1 rejected (report written, no features), 2 bad
arguments. SageMaker defaults: input `/opt/ml/processing/input`, output `/opt/ml/processing/output`,
failure message `/opt/ml/output/message` (turned into the job's FailureReason).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from jobs import schema
from jobs.processing.features import compute_features
from jobs.processing.reading import RawFile, RejectedFileError, discover_csv_files, read_raw_file
from jobs.processing.report import (
    FileSummary,
    build_report,
    failure_summary,
    locate_rows,
    write_report,
)
from jobs.processing.rules import Example, Violation
from jobs.processing.validation import ParsedLoans, duplicate_loan_ids, validate_file

log = logging.getLogger("jobs.processing")

DEFAULT_INPUT_DIR = Path("/opt/ml/processing/input")
DEFAULT_OUTPUT_DIR = Path("/opt/ml/processing/output")
DEFAULT_FAILURE_FILE = Path("/opt/ml/output/message")
FEATURES_DIR = "features"
FEATURES_FILE = "part-00000.parquet"
EXIT_ACCEPTED, EXIT_REJECTED, EXIT_BAD_ARGUMENTS = 0, 1, 2


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jobs.processing", description=__doc__)
    parser.add_argument("--input-dir", type=Path, default=DEFAULT_INPUT_DIR)
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument(
        "--failure-file",
        type=Path,
        default=DEFAULT_FAILURE_FILE,
        help="where to write the failure summary (the default is used only if its folder exists)",
    )
    parser.add_argument(
        "--max-examples", type=int, default=5, help="examples kept per broken rule (default 5)"
    )
    args = parser.parse_args(argv)
    if not args.input_dir.is_dir():
        parser.error(f"--input-dir {args.input_dir} is not a directory")
    if args.max_examples < 1:
        parser.error("--max-examples must be at least 1")
    return args


def write_failure_file(path: Path, text: str) -> None:
    if path == DEFAULT_FAILURE_FILE and not path.parent.is_dir():
        log.debug("no %s folder: not running in SageMaker, failure file skipped", path.parent)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")


def write_features(output_dir: Path, table: pa.Table) -> Path:
    """Replace `<output>/features/` atomically: readers never see a half-written table."""
    target = output_dir / FEATURES_DIR
    staging = output_dir / f".{FEATURES_DIR}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    # Dictionary-encode only the date (730 distinct days); ids and numbers gain nothing from it.
    pq.write_table(
        table, staging / FEATURES_FILE, compression="snappy", use_dictionary=[schema.EVENT_TIME]
    )
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def validate(
    paths: Sequence[Path], input_dir: Path, example_limit: int
) -> tuple[list[FileSummary], list[ParsedLoans], list[Violation]]:
    summaries: list[FileSummary] = []
    accepted: list[RawFile] = []
    parsed: list[ParsedLoans] = []
    violations: list[Violation] = []
    for path in paths:
        name = path.relative_to(input_dir).as_posix()
        try:
            raw = read_raw_file(path, name, example_limit)
        except RejectedFileError as rejected:
            violations.extend(rejected.violations)
            summaries.append(FileSummary(name, path, path.stat().st_size, None))
            continue
        loans, found = validate_file(raw, example_limit)
        summaries.append(FileSummary(name, path, path.stat().st_size, raw.rows))
        accepted.append(raw)
        parsed.append(loans)
        violations.extend(found)
        log.info("%s: %d rows, %d rule(s) broken", name, raw.rows, len(found))
    if parsed:
        duplicate = duplicate_loan_ids(accepted, parsed, example_limit)
        if duplicate:
            violations.append(duplicate)
    return summaries, parsed, violations


def run(input_dir: Path, output_dir: Path, failure_file: Path, example_limit: int) -> int:
    started = time.perf_counter()
    paths = discover_csv_files(input_dir)
    if paths:
        summaries, parsed, violations = validate(paths, input_dir, example_limit)
    else:
        summaries, parsed = [], []
        violations = [
            Violation(
                "input.no_csv_files",
                None,
                1,
                [Example(str(input_dir), "")],
                f"no *.csv file under {input_dir}",
            )
        ]
    locate_rows(violations, summaries)
    report = build_report(summaries, violations, example_limit)
    if violations:
        write_report(output_dir, report)
        stale = output_dir / FEATURES_DIR
        if stale.exists():
            log.warning("removing stale %s so no features exist for a rejected input", stale)
            shutil.rmtree(stale)
        summary = failure_summary(report)
        write_failure_file(failure_file, summary)
        log.error("%s", summary)
        return EXIT_REJECTED
    features = compute_features(parsed)
    table = pa.Table.from_pandas(features, preserve_index=False)
    target = write_features(output_dir, table)
    report["features"] = {"path": f"{FEATURES_DIR}/{FEATURES_FILE}", "rows": table.num_rows}
    write_report(output_dir, report)
    log.info(
        "accepted %d file(s), %d rows -> %s in %.2f s",
        len(summaries),
        table.num_rows,
        target,
        time.perf_counter() - started,
    )
    return EXIT_ACCEPTED


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    return run(args.input_dir, args.output_dir, args.failure_file, args.max_examples)
