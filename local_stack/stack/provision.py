"""Provisioning the local stack: what `make build` builds, `terraform apply` of terraform/local
against the emulator (state in the stack's folder), then the job code uploaded to the artifacts
bucket at the version the workflow was rendered with (docs/deploy.md does the same on AWS)."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from local_stack.terraform_runner import (
    WORKFLOW_TEMPLATE,
    Terraform,
    copy_terraform_tree,
    offline_terraform,
)
from mlops.job_bundle import build_job_bundle
from mlops.packaging import build_lambdas

log = logging.getLogger(__name__)

INSTALL_TERRAFORM = (
    "terraform (>= 1.10) is not on the PATH; the local stack applies the same Terraform as AWS. "
    "Install it from https://developer.hashicorp.com/terraform/install (one binary: unzip it "
    "into a folder on the PATH; or `brew install hashicorp/tap/terraform` on macOS, HashiCorp's "
    "apt/yum repository on Linux), then run this again."
)


class TerraformMissingError(RuntimeError):
    """No terraform binary: the message says how to install it."""


@dataclass(frozen=True)
class Build:
    lambda_dir: Path
    jobs_dir: Path
    code_version: str
    digest: str  # of every artifact: changes when any of them does


def find_terraform() -> str:
    found = shutil.which("terraform")
    if found is None:
        raise TerraformMissingError(INSTALL_TERRAFORM)
    return found


def build(repo_root: Path, build_dir: Path) -> Build:
    """The Lambda zips and the job code bundle, exactly as `mlops build` writes them."""
    artifacts = build_lambdas(repo_root, build_dir)  # writes <build_dir>/lambdas/
    bundle = build_job_bundle(repo_root, build_dir / "jobs")
    digest = hashlib.sha256()
    for artifact in [*artifacts, *bundle.artifacts]:
        digest.update(f"{artifact.path.name}={artifact.sha256}\n".encode())
    digest.update(bundle.version.encode())
    return Build(build_dir / "lambdas", build_dir / "jobs", bundle.version, digest.hexdigest())


def tree_digest(tree: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        digest.update(path.relative_to(tree).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class Plan:
    """One provisioning: the tree to apply, its variables and the fingerprint of both."""

    tree: Path
    variables: dict[str, Any]
    fingerprint: str


def prepare(
    terraform_dir: Path, built: Build, emulator_url: str, variables: Mapping[str, Any]
) -> Plan:
    """A fresh copy of the Terraform tree and the variables for it."""
    tree = terraform_dir / "tree"
    shutil.rmtree(tree, ignore_errors=True)
    copy_terraform_tree(tree)
    values = {
        **variables,
        "endpoint_url": emulator_url,
        "lambda_package_dir": str(built.lambda_dir),
        "definition_template_path": str(tree / WORKFLOW_TEMPLATE),
        "code_version": built.code_version,
    }
    fingerprint = hashlib.sha256(
        json.dumps(values, sort_keys=True).encode()
        + built.digest.encode()
        + tree_digest(tree).encode()
    ).hexdigest()
    return Plan(tree, values, fingerprint)


def terraform_runner(terraform_dir: Path) -> Terraform:
    """Offline terraform whose data dir (provider link, modules) survives fresh tree copies."""
    runner = offline_terraform(terraform_dir, binary=find_terraform())
    return replace(runner, env={**runner.env, "TF_DATA_DIR": str(terraform_dir / "data")})


def apply(terraform_dir: Path, plan: Plan) -> dict[str, Any]:
    """init + apply of terraform/local; returns its outputs."""
    runner = terraform_runner(terraform_dir)
    root = plan.tree / "terraform" / "local"
    var_file = terraform_dir / "local.tfvars.json"
    var_file.write_text(json.dumps(plan.variables, indent=2) + "\n")
    state = ["-state", str(terraform_dir / "terraform.tfstate")]
    started = time.monotonic()
    runner.init(root)
    log.info("terraform init: %.0f s", time.monotonic() - started)
    started = time.monotonic()
    output = runner.run(
        [
            "apply",
            "-auto-approve",
            "-no-color",
            "-input=false",
            "-parallelism=20",
            *state,
            f"-var-file={var_file}",
        ],
        root,
        timeout=1200,
    )
    (terraform_dir / "apply.log").write_text(output)  # what was created, and how long each took
    log.info("terraform apply: %.0f s", time.monotonic() - started)
    outputs = json.loads(runner.run(["output", "-json", *state], root))
    return {name: value["value"] for name, value in outputs.items()}


def upload_job_code(s3: Any, bucket: str, version: str, jobs_dir: Path) -> int:
    """Copy build/jobs/ to s3://<bucket>/code/<version>/ (as the deploy workflow syncs it)."""
    count = 0
    for path in sorted(p for p in jobs_dir.rglob("*") if p.is_file()):
        key = f"code/{version}/{path.relative_to(jobs_dir).as_posix()}"
        s3.upload_file(str(path), bucket, key)
        count += 1
    return count
