"""Copies nothing, reports what it sees of its container; `--fail TEXT` fails like a job does."""

import argparse
import json
import os
import sys
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--input-dir", required=True)
parser.add_argument("--output-dir", required=True)
parser.add_argument("--failure-file", required=True)
parser.add_argument("--fail", default="")
args = parser.parse_args()
output = Path(args.output_dir)
(output / "nested").mkdir(parents=True, exist_ok=True)
report = {
    "files": sorted(
        p.relative_to(args.input_dir).as_posix()
        for p in Path(args.input_dir).rglob("*")
        if p.is_file()
    ),
    "cwd": os.getcwd(),
    "module_file": __file__,
    "env": {
        name: os.environ.get(name)
        for name in ("MARKER", "PYTHONPATH", "AWS_ENDPOINT_URL", "HOST_ONLY_MARKER")
    },
}
(output / "nested" / "report.json").write_text(json.dumps(report))
if args.fail:
    Path(args.failure_file).write_text(args.fail)
    sys.exit(1)
