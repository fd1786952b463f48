"""`mlops build`: the deployable artifacts in build/: one zip per Lambda function
(build/lambdas/) and the SageMaker job code bundle (build/jobs/, see mlops.job_bundle).

Each kind of artifact is one builder in BUILDERS (`(repo_root, out_dir) -> [Artifact]`).
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlops.job_bundle import build_jobs
from mlops.packaging import Artifact, build_lambdas

REPO_ROOT = Path(__file__).resolve().parents[2]
Builder = Callable[[Path, Path], list[Artifact]]
BUILDERS: dict[str, Builder] = {"lambdas": build_lambdas, "jobs": build_jobs}


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "build",
        help="build the deployable artifacts (Lambda zips, job code bundle) into build/",
        description=__doc__,
    )
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "build", help="output directory")
    parser.add_argument(
        "--only",
        action="append",
        choices=sorted(BUILDERS),
        help="build only this kind of artifact (repeatable; default all)",
    )
    parser.set_defaults(func=run, repo_root=REPO_ROOT)


def run(args: argparse.Namespace) -> int:
    for name in args.only or sorted(BUILDERS):
        for artifact in BUILDERS[name](args.repo_root, args.out):
            print(f"{artifact.path}  {artifact.size:>9,} bytes  sha256 {artifact.sha256}")  # noqa: T201
    return 0
