"""`terraform test` of every module and root (mocked provider): wiring, variable validations,
examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.terraform import Terraform, example_dirs, module_dirs, root_dirs

pytestmark = pytest.mark.terraform


@pytest.mark.slow
@pytest.mark.parametrize("module", module_dirs())
def test_terraform_test_passes_for_module(
    terraform: Terraform, terraform_tree: Path, module: str
) -> None:
    directory = terraform_tree / "modules" / module
    terraform.init(directory)
    output = terraform.run(["test", "-no-color"], directory)
    assert ", 0 failed." in output
    for example in example_dirs(module):
        assert f'run "example_{example}_plans"... pass' in output


@pytest.mark.slow
@pytest.mark.parametrize("root", root_dirs())
def test_terraform_test_passes_for_root(
    terraform: Terraform, terraform_tree: Path, root: str
) -> None:
    """Each root's own variable validations (terraform/<root>/tests), mocked provider."""
    directory = terraform_tree / root
    assert list(directory.glob("tests/*.tftest.hcl")), f"{root} has no terraform test"
    terraform.init(directory)
    output = terraform.run(["test", "-no-color"], directory)
    assert ", 0 failed." in output
    assert 'run "plans_with_valid_values"... pass' in output
