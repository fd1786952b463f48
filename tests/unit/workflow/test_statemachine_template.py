"""statemachine.asl.json: renders like templatefile() to a valid definition that follows the
workflow's conventions (interfaces.md section 4)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from local_stack.workflow.asl import intrinsics
from local_stack.workflow.asl.paths import render_payload
from tests.fixtures.workflow import (
    STATEMACHINE_TEMPLATE,
    TEMPLATE_PLACEHOLDERS,
    render_template,
    rendered_definition,
    template_variables,
)

SAGEMAKER_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")


def states():
    return json.loads(rendered_definition())["States"]


def test_template_is_json_before_rendering_and_uses_exactly_the_documented_placeholders():
    text = STATEMACHINE_TEMPLATE.read_text()
    json.loads(text)
    assert set(re.findall(r"\$\{([^}]*)\}", text)) == set(TEMPLATE_PLACEHOLDERS)


def test_rendered_definition_is_json_without_placeholders():
    rendered = rendered_definition()
    assert "${" not in rendered
    definition = json.loads(rendered)
    assert definition["StartAt"] == "CheckEvent"


def test_render_template_rejects_a_missing_variable():
    variables = template_variables()
    del variables["endpoint_name"]
    with pytest.raises(KeyError, match="endpoint_name"):
        render_template(STATEMACHINE_TEMPLATE.read_text(), variables)


def test_render_template_keeps_escaped_dollar_brace():
    assert render_template("$${x} ${y}", {"y": "1"}) == "${x} 1"


def test_every_task_retries_and_catches_into_errors_of_its_own_name():
    tasks = {name: state for name, state in states().items() if state["Type"] == "Task"}
    assert len(tasks) >= 15
    for name, state in tasks.items():
        assert state.get("Retry"), name
        last = state["Catch"][-1]
        assert last["ErrorEquals"] == ["States.ALL"], name
        assert last["ResultPath"] == f"$.errors.{name}", name


def test_every_catch_all_leads_to_the_failure_path():
    for name, state in states().items():
        for catcher in state.get("Catch", []):
            if catcher["ErrorEquals"] == ["States.ALL"]:
                assert catcher["Next"] in {"ReleaseClaim", "NotifyFailure", "Failed"}, name


def test_job_and_resource_names_fit_sagemaker_limits_for_any_execution_name():
    configure = states()["Configure"]
    longest = "x_" * 40  # 80 characters, with a character SageMaker names may not contain
    context = {"Execution": {"Name": longest}}
    event = {
        "detail": {"bucket": {"name": "raw"}, "object": {"key": "incoming/a.csv", "etag": "e1"}}
    }
    rendered = render_payload(configure["Parameters"], event, context, intrinsics.evaluate)
    names = {k: v for k, v in rendered["names"].items() if k != "run_prefix"}
    assert len(set(names.values())) == len(names)
    for value in names.values():
        assert SAGEMAKER_NAME.match(value), value
    assert rendered["names"]["run_prefix"] == f"s3://credit-risk-artifacts/runs/{longest}"
    assert rendered["config"]["approval_timeout_seconds"] == 86400
    assert rendered["config"]["quality_gate_min_roc_auc"] == 0.7
    assert rendered["claim_id"] == "raw/incoming/a.csv/e1"


@pytest.mark.node
def test_asl_validator_accepts_rendered_definition(tmp_path, repo_root: Path):
    validator = repo_root / "node_modules" / ".bin" / "asl-validator"
    if shutil.which("node") is None:
        pytest.skip("node is not installed (needed for asl-validator)")
    if not validator.exists():
        pytest.skip(
            "asl-validator is not installed: run `npm ci` (node_modules/.bin/asl-validator)"
        )
    for mode in ("serverless", "instance"):
        path = tmp_path / f"{mode}.asl.json"
        path.write_text(rendered_definition(endpoint_mode=mode))
        result = subprocess.run(
            [str(validator), "--json-path", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
    broken = json.loads(rendered_definition())
    broken["States"]["Configure"]["Next"] = "NoSuchState"
    path = tmp_path / "broken.asl.json"
    path.write_text(json.dumps(broken))
    result = subprocess.run(
        [str(validator), "--json-path", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0  # the check is live: it does reject a bad definition
