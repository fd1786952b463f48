import subprocess
import sys
from pathlib import Path

from local_stack.service_process import REPO_ROOT


def test_up_without_terraform_says_how_to_install_it_and_starts_nothing(tmp_path: Path) -> None:
    state_dir = tmp_path / "stack"
    result = subprocess.run(
        [sys.executable, "-m", "mlops", "local", "up", "--state-dir", str(state_dir)],
        capture_output=True,
        text=True,
        env={"PATH": str(tmp_path), "HOME": str(tmp_path)},  # no terraform on this PATH
        cwd=REPO_ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert "terraform" in result.stderr
    assert "https://developer.hashicorp.com/terraform/install" in result.stderr
    assert not state_dir.exists()
