"""Stand-in for `python -m jobs.ingest` until the real job is on main."""

import argparse
import json
from pathlib import Path

import pyarrow.parquet as pq

parser = argparse.ArgumentParser()
parser.add_argument("--input-dir", type=Path, required=True)
parser.add_argument("--feature-group", required=True)
parser.add_argument("--output-dir", type=Path, required=True)
args = parser.parse_args()
rows = sum(pq.read_metadata(path).num_rows for path in sorted(args.input_dir.rglob("*.parquet")))
args.output_dir.mkdir(parents=True, exist_ok=True)
report = {"feature_group": args.feature_group, "records": rows, "stand_in": True}
(args.output_dir / "ingestion_report.json").write_text(json.dumps(report))
