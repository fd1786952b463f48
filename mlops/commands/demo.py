"""`mlops demo`: the data plane end to end on this machine, until the full local stack exists.

Generates (or takes) a raw loan CSV, runs the processing job, starts the local Feature Store
runtime, runs the ingestion job into it, reads a few users back through boto3 and says what it did.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import time
from pathlib import Path
from typing import Any

import boto3
import pandas as pd

from jobs import schema
from jobs.ingest.job import REPORT_NAME as INGESTION_REPORT
from jobs.ingest.job import run as run_ingestion
from jobs.ingest.writer import API_CHOICES, API_HELP, DEFAULT_API, WriterSettings
from jobs.processing.job import DEFAULT_FAILURE_FILE, FEATURES_DIR
from jobs.processing.job import run as run_processing
from jobs.processing.report import REPORT_NAME as VALIDATION_REPORT
from local_stack.featurestore_runtime.definitions import (
    describe_feature_group,
    write_definitions_file,
)
from local_stack.featurestore_runtime.process import start_runtime
from mlops import synthetic

log = logging.getLogger(__name__)

FEATURE_GROUP = "credit-risk-demo"
USERS_SHOWN = 3


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "demo",
        help="run processing and ingestion into a local Feature Store on a generated file",
        description=__doc__,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--users", type=int, default=500, help="users to generate (default 500)")
    source.add_argument("--data", type=Path, help="use this raw CSV instead of generating one")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--api", choices=API_CHOICES, default=DEFAULT_API, help=API_HELP)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path(".local-stack/demo"),
        help="where inputs, outputs and the store go (emptied first; default .local-stack/demo)",
    )
    parser.set_defaults(func=run)


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 (the demo talks to the person who ran it)


def prepare_input(args: argparse.Namespace, raw_dir: Path) -> Path:
    if args.data:
        if not args.data.is_file():
            raise SystemExit(f"--data {args.data} is not a file")
        target = raw_dir / args.data.name
        shutil.copyfile(args.data, target)
        say(f"1. Input: copied {args.data} ({target.stat().st_size / 1e6:.1f} MB)")
        return target
    dataset = synthetic.generate(users=args.users, seed=args.seed)
    target = synthetic.write_csv(dataset.raw, raw_dir / "loans.csv")
    say(
        f"1. Input: generated {len(dataset.raw):,} loans of {args.users:,} users "
        f"({target.stat().st_size / 1e6:.1f} MB, seed {args.seed}) -> {target}"
    )
    return target


def show_users(client: Any, features: pd.DataFrame, users: list[int]) -> bool:
    """Print each user's online record beside the processing job's latest row; True if all match."""
    all_match = True
    for user in users:
        response = client.get_record(
            FeatureGroupName=FEATURE_GROUP, RecordIdentifierValueAsString=str(user)
        )
        online = {f["FeatureName"]: f["ValueAsString"] for f in response.get("Record", [])}
        mine = features[features[schema.RECORD_ID] == user].sort_values(
            [schema.EVENT_TIME, schema.LOAN_ID]
        )
        expected_loan = str(mine[schema.LOAN_ID].iloc[-1])
        match = online.get(schema.LOAN_ID) == expected_loan
        all_match &= match
        shown = {name: online.get(name, "null") for name in schema.FEATURES}
        say(
            f"   user {user}: latest loan {online.get(schema.LOAN_ID)} of {len(mine)} "
            f"({online.get(schema.EVENT_TIME)}) {json.dumps(shown)}"
            f" {'= processing output' if match else '!= processing output ' + expected_loan}"
        )
    return all_match


def use_local_credentials() -> None:
    """The local runtime ignores signatures, but boto3 signs: give it dummy keys if none are set."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "eu-west-1")


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    use_local_credentials()
    workdir: Path = args.workdir
    shutil.rmtree(workdir, ignore_errors=True)
    raw_dir, processed, ingested = workdir / "raw", workdir / "processed", workdir / "ingested"
    raw_dir.mkdir(parents=True)
    prepare_input(args, raw_dir)

    step = time.perf_counter()
    code = run_processing(raw_dir, processed, DEFAULT_FAILURE_FILE, example_limit=5)
    report = json.loads((processed / VALIDATION_REPORT).read_text())
    if code != 0:
        say(f"2. Processing REJECTED the file: rules {report['rules_broken']}")
        say(f"   see {processed / VALIDATION_REPORT}")
        return code
    features = pd.read_parquet(processed / FEATURES_DIR)
    say(
        f"2. Processing: validated and computed features for {len(features):,} loans in "
        f"{time.perf_counter() - step:.1f} s -> {processed / FEATURES_DIR}"
    )

    definitions = write_definitions_file(
        workdir / "featurestore" / "definitions.json",
        [
            describe_feature_group(
                FEATURE_GROUP, schema.RECORD_ID, schema.EVENT_TIME, schema.FEATURE_GROUP_TYPES
            )
        ],
    )
    with start_runtime(workdir / "featurestore" / "store.db", definitions=definitions) as runtime:
        say(f"3. Feature Store runtime: {runtime.endpoint_url}, SQLite {runtime.db_path}")
        step = time.perf_counter()
        settings = WriterSettings(
            feature_group=FEATURE_GROUP, api=args.api, endpoint_url=runtime.endpoint_url
        )
        code = run_ingestion(processed / FEATURES_DIR, ingested, settings)
        ingestion = json.loads((ingested / INGESTION_REPORT).read_text())
        say(
            f"4. Ingestion: {ingestion['records_written']:,} of {ingestion['records_total']:,} "
            f"records ({ingestion['online_records']:,} latest loans online + offline, "
            f"{ingestion['offline_only_records']:,} history offline only) in "
            f"{time.perf_counter() - step:.1f} s, {ingestion['records_failed']} failed"
        )
        if code != 0:
            say(f"   ingestion failed: see {ingested / INGESTION_REPORT}")
            return code
        client = boto3.client("sagemaker-featurestore-runtime", endpoint_url=runtime.endpoint_url)
        users = sorted(features[schema.RECORD_ID].unique().tolist())[:USERS_SHOWN]
        say(f"5. Read back through boto3 GetRecord ({', '.join(schema.FEATURES)}):")
        matched = show_users(client, features, users)
    say(
        f"Done in {time.perf_counter() - started:.1f} s. Runtime stopped; everything is under "
        f"{workdir}/ (validation_report.json, features/, ingestion_report.json, store.db)."
    )
    return 0 if matched else 1
