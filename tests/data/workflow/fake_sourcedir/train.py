"""A stand-in script-mode training entry point: logs METRIC lines, writes a model and outputs."""

import argparse
import json
import os
import sys
from pathlib import Path

parser = argparse.ArgumentParser()
parser.add_argument("--n-estimators", type=int, required=True)
parser.add_argument("--fail", default="")
parser.add_argument("--failure-file", default="/opt/ml/output/failure")
args = parser.parse_args()
train = Path(os.environ["SM_CHANNEL_TRAIN"])
print("METRIC roc_auc=0.5", flush=True)
print(f"METRIC roc_auc={0.7 + args.n_estimators / 10000}", flush=True)
print("METRIC pr_auc=1e-01", flush=True)
if args.fail:
    Path(args.failure_file).write_text(args.fail)
    sys.exit(2)
model = Path(os.environ["SM_MODEL_DIR"])
(model / "code").mkdir(parents=True, exist_ok=True)
(model / "model.txt").write_text(str(args.n_estimators))
(model / "code" / "inference.py").write_text("# serving code\n")
Path(os.environ["SM_OUTPUT_DATA_DIR"], "evaluation.json").write_text(
    json.dumps(
        {
            "files": sorted(p.name for p in train.iterdir()),
            "hps": json.loads(os.environ["SM_HPS"]),
            "cwd": os.getcwd(),
        }
    )
)
