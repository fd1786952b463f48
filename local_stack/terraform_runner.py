"""Run Terraform offline against this repository: the CLI configuration that installs the AWS
provider from the machine's mirror (ARCHITECTURE.md section 5), a runner that never inherits real
credentials, and a scratch copy of the Terraform tree so that init, state and lock files stay out
of the working tree. Used by the infra tests, the benchmarks and the local stack."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PROVIDER_MIRROR = Path(os.environ.get("TF_PROVIDER_MIRROR", "/opt/tf-plugins"))
WORKFLOW_TEMPLATE = "statemachine.asl.json"
WORKFLOW_FIXTURE = REPO_ROOT / "modules/workflow/tests/fixtures/statemachine.asl.json"
# What a Terraform run needs from the repository (the module tests read tests/infra/mocks).
COPIED_PATHS = ("modules", "terraform", "tests/infra/mocks")
IGNORED = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", "*.tfplan")


class TerraformError(RuntimeError):
    """A terraform command failed; the message holds its output."""


@dataclass(frozen=True)
class Terraform:
    """Runs terraform with a fixed environment (fake credentials, offline CLI configuration)."""

    binary: str
    env: Mapping[str, str]

    def run(self, args: Sequence[str], cwd: Path, timeout: float = 600) -> str:
        result = subprocess.run(  # noqa: S603 (the terraform binary with our own arguments)
            [self.binary, *args],
            cwd=cwd,
            env=dict(self.env),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise TerraformError(
                f"terraform {' '.join(args)} failed in {cwd} (exit {result.returncode}):\n"
                f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
            )
        return result.stdout

    def init(self, cwd: Path) -> None:
        self.run(["init", "-backend=false", "-input=false", "-no-color"], cwd)


def cli_config(directory: Path) -> Path:
    """A CLI config that installs the AWS provider from the local mirror when there is one (a
    symlink, no copy of the ~600 MB binary), and else from the registry through a plugin cache."""
    config = directory / "terraform.rc"
    if PROVIDER_MIRROR.is_dir():
        config.write_text(
            "provider_installation {\n"
            f'  filesystem_mirror {{\n    path = "{PROVIDER_MIRROR}"\n'
            '    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n'
            '  direct {\n    exclude = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n',
            encoding="utf-8",
        )
    else:
        # CI pre-fills TF_PLUGIN_CACHE_DIR once (readers only afterwards: the cache has no lock).
        cache = Path(os.environ.get("TF_PLUGIN_CACHE_DIR") or directory / "plugin-cache")
        cache.mkdir(parents=True, exist_ok=True)
        config.write_text(f'plugin_cache_dir = "{cache}"\n', encoding="utf-8")
    return config


def offline_terraform(config_dir: Path, binary: str | None = None) -> Terraform:
    """A runner whose environment holds fake AWS credentials and the offline CLI config."""
    found = binary or shutil.which("terraform")
    if found is None:
        raise TerraformError("terraform CLI not found on PATH")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_"))}
    env = {
        **inherited,
        # Fake credentials: nothing run through this may reach a real account.
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": "eu-west-1",
        "TF_CLI_CONFIG_FILE": str(cli_config(config_dir)),
        "CHECKPOINT_DISABLE": "1",
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
    }
    if os.environ.get("TF_PLUGIN_CACHE_DIR"):
        env["TF_PLUGIN_CACHE_DIR"] = os.environ["TF_PLUGIN_CACHE_DIR"]
    return Terraform(binary=found, env=env)


def workflow_template() -> Path:
    """The repository's statemachine.asl.json, or the workflow module's fixture (every
    placeholder) while the real one has not landed."""
    template = REPO_ROOT / WORKFLOW_TEMPLATE
    return template if template.exists() else WORKFLOW_FIXTURE


def copy_terraform_tree(destination: Path) -> Path:
    """Copy what the Terraform runs need, with the workflow template at the repository root."""
    for relative in COPIED_PATHS:
        shutil.copytree(REPO_ROOT / relative, destination / relative, ignore=IGNORED)
    shutil.copyfile(workflow_template(), destination / WORKFLOW_TEMPLATE)
    return destination


def local_root_variables(tree: Path, endpoint_url: str, lambda_package_dir: Path) -> list[str]:
    """The -var arguments that point terraform/local of ``tree`` at an emulator."""
    return [
        f"-var=endpoint_url={endpoint_url}",
        f"-var=lambda_package_dir={lambda_package_dir}",
        f"-var=definition_template_path={tree / WORKFLOW_TEMPLATE}",
    ]
