"""The local root against the AWS emulator: how long `terraform init`, the first `apply` and a
second `plan` (which must find no changes) take, as `mlops local up` and the infra tests pay them.

Targets: apply < 180 s, second plan < 90 s, on the 2-core machines. Most of the apply is the AWS
provider's own consistency waits (S3 lifecycle rules: about 55 s; SQS attributes), not the
emulator. Skipped (with the reason in the results) where the terraform CLI is missing.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from local_stack.emulator.launcher import running_emulator
from local_stack.terraform_runner import (
    copy_terraform_tree,
    local_root_variables,
    offline_terraform,
)

TARGETS = {"apply_seconds": 180.0, "second_plan_seconds": 90.0}


def run() -> dict[str, object]:
    if shutil.which("terraform") is None:
        return {"skipped": "terraform CLI not found on PATH", "targets": TARGETS}
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        tree = copy_terraform_tree(work / "tree")
        terraform = offline_terraform(work)
        root = tree / "terraform" / "local"
        with running_emulator(log_file=work / "emulator.log") as url:
            variables = local_root_variables(tree, url, tree / "modules/functions/tests/fixtures")
            timings: dict[str, float] = {}
            started = time.perf_counter()
            terraform.init(root)
            timings["init_seconds"] = time.perf_counter() - started
            started = time.perf_counter()
            terraform.run(["apply", "-auto-approve", "-no-color", *variables], root, timeout=900)
            timings["apply_seconds"] = time.perf_counter() - started
            started = time.perf_counter()
            plan = terraform.run(["plan", "-no-color", *variables], root)
            timings["second_plan_seconds"] = time.perf_counter() - started
            resources = terraform.run(["state", "list"], root).split()
    return {
        **{name: round(seconds, 1) for name, seconds in timings.items()},
        "resources": len(resources),
        "second_plan_no_changes": "No changes." in plan,
        "targets": TARGETS,
        "met": {name: timings[name] < target for name, target in TARGETS.items()},
    }
