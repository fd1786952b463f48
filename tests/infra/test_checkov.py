"""checkov over the whole tree: zero failed checks (each skip carries its reason inline)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.terraform import REPO_ROOT

CHECKOV = Path(os.environ.get("CHECKOV", "/work/main/.tools/checkov/bin/checkov"))
# Directories of tools and generated state, not the project's infrastructure code.
# One checkov run for the module: keep its tests on one xdist worker.
pytestmark = pytest.mark.xdist_group("checkov")

SKIPPED_PATHS = ("node_modules", ".venv", ".tools", ".terraform", "build")


@pytest.fixture(scope="module")
def checkov_report() -> list[dict[str, Any]]:
    if not CHECKOV.exists():
        pytest.skip(f"checkov not found at {CHECKOV} (set CHECKOV or run make setup)")
    command = [str(CHECKOV), "-d", str(REPO_ROOT), "--quiet", "--compact", "-o", "json"]
    command += ["--framework", "terraform", "github_actions"]
    for path in SKIPPED_PATHS:
        command += ["--skip-path", path]
    env = {
        **os.environ,
        # Offline: no download of Prisma Cloud's guideline mappings.
        "BC_SKIP_MAPPING": "TRUE",
        # checkov silently drops a file whose parse exceeds 10 s, which a busy machine can reach.
        "HCL_PARSE_TIMEOUT_SEC": "300",
    }
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=900, check=False, env=env
    )
    if result.returncode not in (0, 1):
        pytest.fail(f"checkov could not run (exit {result.returncode}): {result.stderr[-3000:]}")
    report = json.loads(result.stdout)
    return report if isinstance(report, list) else [report]


@pytest.mark.slow
def test_checkov_finds_no_failed_check(checkov_report: list[dict[str, Any]]) -> None:
    failed = [
        f"{check['check_id']} {check['resource']} {check['file_path']}:{check['file_line_range']}"
        for framework in checkov_report
        for check in framework.get("results", {}).get("failed_checks", [])
    ]
    assert failed == []


@pytest.mark.slow
def test_checkov_scanned_the_terraform_tree(checkov_report: list[dict[str, Any]]) -> None:
    terraform = [r for r in checkov_report if r.get("check_type") == "terraform"]
    assert terraform, "checkov reported no terraform results"
    summary = terraform[0]["summary"]
    assert summary["parsing_errors"] == 0, "checkov could not parse a file: it went unscanned"
    assert summary["passed"] > 100


@pytest.mark.slow
def test_every_checkov_skip_has_a_reason(checkov_report: list[dict[str, Any]]) -> None:
    unexplained = [
        f"{check['check_id']} {check['resource']}"
        for framework in checkov_report
        for check in framework.get("results", {}).get("skipped_checks", [])
        if len(str(check.get("suppress_comment", "")).strip()) < 20
    ]
    assert unexplained == []
