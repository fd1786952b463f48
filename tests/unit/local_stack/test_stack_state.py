"""The stack's state folder and how its processes are found and stopped again."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from local_stack.stack.processes import ProcessRef, members, stop
from local_stack.stack.settings import TerraformValues, terraform_variables
from local_stack.stack.state import ComponentState, Layout, StackState, load, save

# A component that started a child of its own (a Lambda worker, a job), then waits.
SLEEPER = (
    "import subprocess, sys, time;"
    " subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); time.sleep(60)"
)


def test_token_is_drawn_once_and_private(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "stack")
    token = layout.token()
    assert len(token) >= 43  # 256 random bits, URL-safe
    assert layout.token() == token
    assert stat.S_IMODE(layout.token_file.stat().st_mode) == 0o600


def test_state_round_trips_and_refuses_another_format(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    state = StackState(
        ports={"emulator": 4566},
        components={"emulator": ComponentState(1, 2.5, "http://127.0.0.1:4566", "e.log")},
        terraform_values={"approval_timeout_seconds": 60},
    )
    save(layout, state)
    assert load(layout) == state
    layout.state_file.write_text(json.dumps({"version": 99}))
    with pytest.raises(ValueError, match="another version"):
        load(layout)


def test_terraform_values_become_the_local_root_variables() -> None:
    values = TerraformValues(approval_timeout_seconds=60, rf_n_estimators=50).given()
    assert terraform_variables(values) == {
        "approval_timeout_seconds": 60,
        "jobs": {"rf_n_estimators": 50},
    }


def test_a_reused_pid_is_not_taken_for_the_component() -> None:
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"]) as process:
        try:
            ref = ProcessRef.of(process.pid)
            assert ref.running()
            assert not ProcessRef(process.pid, ref.create_time - 100).running()
        finally:
            process.kill()


def test_stop_ends_the_component_and_its_process_group() -> None:
    leader = subprocess.Popen([sys.executable, "-c", SLEEPER], start_new_session=True)
    ref = ProcessRef.of(leader.pid)
    deadline = time.monotonic() + 10
    while len(members(ref)) < 2 and time.monotonic() < deadline:  # until the child runs
        time.sleep(0.05)
    group = members(ref)
    assert len(group) == 2
    assert stop(ref, timeout=5) == []
    leader.wait(timeout=5)
    assert all(not process.is_running() or process.status() == "zombie" for process in group)
