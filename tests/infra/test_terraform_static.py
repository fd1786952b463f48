"""Static Terraform checks: formatting, validate of every root, module layout and READMEs.

The examples are planned (which includes validation) by each module's tests/examples.tftest.hcl
under `terraform test` with the mocked provider: one init per module instead of one per example.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.terraform import REPO_ROOT, Terraform, example_dirs, module_dirs, root_dirs
from tools.module_docs import render_tables, updated_readme

pytestmark = pytest.mark.terraform


def test_fmt_check_passes_on_every_configuration(terraform: Terraform) -> None:
    output = terraform.run(
        ["fmt", "-check", "-recursive", "-diff", "-no-color", "modules", "terraform"], REPO_ROOT
    )
    assert output == ""


@pytest.mark.slow
@pytest.mark.parametrize("root", root_dirs())
def test_validate_passes_for_root(terraform: Terraform, terraform_tree: Path, root: str) -> None:
    directory = terraform_tree / root
    terraform.init(directory)
    output = terraform.run(["validate", "-no-color"], directory)
    assert "The configuration is valid" in output


@pytest.mark.parametrize("module", module_dirs())
def test_module_readme_tables_match_the_code(module: str) -> None:
    module_dir = REPO_ROOT / "modules" / module
    readme = (module_dir / "README.md").read_text(encoding="utf-8")
    assert updated_readme(readme, render_tables(module_dir)) == readme, (
        f"modules/{module}/README.md is stale: run python tools/module_docs.py modules/*"
    )


@pytest.mark.parametrize("module", module_dirs())
def test_module_has_the_standard_layout(module: str) -> None:
    module_dir = REPO_ROOT / "modules" / module
    missing = [
        name
        for name in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md")
        if not (module_dir / name).is_file()
    ]
    assert missing == []
    assert list(module_dir.glob("examples/*/main.tf")), "at least one example"
    assert list(module_dir.glob("tests/*.tftest.hcl")), "at least one terraform test file"


@pytest.mark.parametrize("module", module_dirs())
def test_every_example_is_planned_by_the_module_tests(module: str) -> None:
    tests = (REPO_ROOT / "modules" / module / "tests" / "examples.tftest.hcl").read_text(
        encoding="utf-8"
    )
    planned = sorted(re.findall(r'source\s*=\s*"\./examples/([^"]+)"', tests))
    assert planned == example_dirs(module)
