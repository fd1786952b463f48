"""Importing a handler module loads no boto3 (and no pydantic where no payload is validated).

The design of lambdas/shared/aws.py: a cold start pays only for what a request needs, so boto3 and
botocore's session (~300 ms) are imported by the first request that makes a client, not at import.
Each handler is imported in a fresh, isolated interpreter with an empty environment (no tracing,
no AWS settings); the test checks which modules got loaded, never how long it took.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[3]
FUNCTIONS = sorted(path.parent.name for path in (REPO_ROOT / "lambdas").glob("*/handler.py"))
# Functions that validate no workflow payload have no use for pydantic.
WITHOUT_PAYLOAD_MODELS = {"approvals_api", "features_api", "predictions_api"}
WATCHED = ("boto3", "botocore.session", "pydantic")
_PROBE = """
import json, sys
sys.path.insert(0, {root!r})
import lambdas.{name}.handler
print(json.dumps([module for module in {watched!r} if module in sys.modules]))
"""


def _modules_loaded_by_import(name: str) -> list[str]:
    probe = _PROBE.format(root=str(REPO_ROOT), name=name, watched=WATCHED)
    completed = subprocess.run(
        [sys.executable, "-I", "-c", probe],
        env={},
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, (
        f"lambdas.{name}.handler failed to import:\n{completed.stderr}"
    )
    loaded: list[str] = json.loads(completed.stdout)
    return loaded


def test_functions_are_all_found() -> None:
    expected = {"approval_request", "approvals_api", "features_api", "notify", "predictions_api"}
    assert expected <= set(FUNCTIONS)


@pytest.mark.parametrize("name", FUNCTIONS)
def test_handler_import_loads_no_boto3(name: str) -> None:
    loaded = _modules_loaded_by_import(name)

    assert "boto3" not in loaded
    assert "botocore.session" not in loaded
    if name in WITHOUT_PAYLOAD_MODELS:
        assert "pydantic" not in loaded
