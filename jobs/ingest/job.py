"""`python -m jobs.ingest`: write the processing job's features into a SageMaker feature group.

Each user's latest loan goes to the online and offline stores, every other loan to the offline
store only. Re-running is harmless: the online store keeps the record with the greatest event time
(the same records again change nothing), and the offline store gains identical rows with a later
write time, which readers deduplicate. Exit codes: 0 every record written, 1 some records failed
(listed in `ingestion_report.json`), 2 bad arguments. The region and the endpoint come from the
standard boto3 environment (`AWS_REGION`, `AWS_ENDPOINT_URL_SAGEMAKER_FEATURESTORE_RUNTIME`).
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jobs.ingest.records import FeatureRecords, read_features
from jobs.ingest.writer import (
    API_CHOICES,
    API_HELP,
    DEFAULT_API,
    DEFAULT_THREADS,
    ShardResult,
    WriterSettings,
    default_processes,
    write_all,
)

log = logging.getLogger("jobs.ingest")

DEFAULT_INPUT_DIR = Path("/opt/ml/processing/input")
DEFAULT_OUTPUT_DIR = Path("/opt/ml/processing/output")
REPORT_NAME = "ingestion_report.json"
EXIT_OK, EXIT_FAILED, EXIT_BAD_ARGUMENTS = 0, 1, 2


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m jobs.ingest", description=__doc__)
    parser.add_argument("--input-dir", type=Path, default=DEFAULT_INPUT_DIR)
    parser.add_argument("--output-dir", type=Path, default=DEFAULT_OUTPUT_DIR)
    parser.add_argument("--feature-group", required=True, help="feature group name or ARN")
    parser.add_argument("--api", choices=API_CHOICES, default=DEFAULT_API, help=API_HELP)
    parser.add_argument(
        "--processes",
        type=int,
        default=default_processes(),
        help="writer processes (default: CPUs)",
    )
    parser.add_argument(
        "--threads", type=int, default=DEFAULT_THREADS, help="calls in flight per process"
    )
    parser.add_argument(
        "--max-attempts",
        type=int,
        default=8,
        help="attempts per record, each call and each failed entry (botocore's rules)",
    )
    parser.add_argument("--retry-mode", choices=("standard", "adaptive"), default="standard")
    parser.add_argument(
        "--max-failures",
        type=int,
        default=1000,
        help="stop early after about this many failed records (the rest are counted, not sent)",
    )
    args = parser.parse_args(argv)
    if not args.input_dir.is_dir():
        parser.error(f"--input-dir {args.input_dir} is not a directory")
    for name in ("processes", "threads", "max_attempts", "max_failures"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1")
    return args


def build_report(
    feature_group: str, total: int, online: int, result: ShardResult, seconds: float
) -> dict[str, Any]:
    return {
        "feature_group": feature_group,
        "status": "succeeded" if not result.failed and not result.not_attempted else "failed",
        "records_total": total,
        "records_written": result.written,
        "records_failed": len(result.failed),
        "records_not_attempted": result.not_attempted,
        "online_records": online,
        "offline_only_records": total - online,
        "calls_retried": result.retried_calls,
        "wall_seconds": round(seconds, 3),
        "records_per_second": round(result.written / seconds, 1) if seconds > 0 else None,
        "failed_records": result.failed,
    }


def run(input_dir: Path, output_dir: Path, settings: WriterSettings) -> int:
    started = time.perf_counter()
    try:
        table = read_features(input_dir)
    except (FileNotFoundError, ValueError) as error:
        log.error("cannot read features: %s", error)
        return EXIT_BAD_ARGUMENTS
    records = FeatureRecords.from_features(table)
    online = records.online
    log.info(
        "ingesting %d records (%d users' latest to both stores) into %s with %d x %d workers",
        len(records),
        online,
        settings.feature_group,
        settings.processes,
        settings.threads,
    )
    result = write_all(records, settings)
    report = build_report(
        settings.feature_group, len(records), online, result, time.perf_counter() - started
    )
    output_dir.mkdir(parents=True, exist_ok=True)
    (output_dir / REPORT_NAME).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    if report["status"] != "succeeded":
        log.error(
            "%d of %d records failed after retries and %d were not attempted; see %s",
            report["records_failed"],
            len(records),
            report["records_not_attempted"],
            output_dir / REPORT_NAME,
        )
        return EXIT_FAILED
    log.info(
        "wrote %d records in %.1f s (%.0f records/s)",
        result.written,
        report["wall_seconds"],
        report["records_per_second"] or 0,
    )
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = WriterSettings(
        feature_group=args.feature_group,
        api=args.api,
        processes=args.processes,
        threads=args.threads,
        max_attempts=args.max_attempts,
        retry_mode=args.retry_mode,
        max_failures=args.max_failures,
    )
    return run(args.input_dir, args.output_dir, settings)
