"""`mlops build`: one reproducible zip per Lambda function that imports on its own."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from mlops.cli import main
from mlops.packaging import FIXED_TIMESTAMP, build_lambdas, lambda_functions, lambda_sources

REPO_ROOT = Path(__file__).resolve().parents[3]
FUNCTIONS = ["approval_request", "approvals_api", "features_api", "notify", "predictions_api"]


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The sources a build reads, copied so a test may touch them."""
    root = tmp_path / "repo"
    shutil.copytree(
        REPO_ROOT / "lambdas", root / "lambdas", ignore=shutil.ignore_patterns("__pycache__")
    )
    (root / "jobs").mkdir()
    for name in ("__init__.py", "schema.py"):
        shutil.copy(REPO_ROOT / "jobs" / name, root / "jobs" / name)
    return root


def test_lambda_functions_finds_every_function_package() -> None:
    assert lambda_functions(REPO_ROOT) == FUNCTIONS


def test_build_lambdas_makes_one_zip_per_function_with_its_code_and_shared(tmp_path: Path) -> None:
    artifacts = build_lambdas(REPO_ROOT, tmp_path)
    assert [a.path.name for a in artifacts] == [f"{f}.zip" for f in FUNCTIONS]
    for artifact, function in zip(artifacts, FUNCTIONS, strict=True):
        names = zipfile.ZipFile(artifact.path).namelist()
        assert f"lambdas/{function}/handler.py" in names
        assert "lambdas/shared/settings.py" in names
        assert {"lambdas/__init__.py", "jobs/__init__.py", "jobs/schema.py"} <= set(names)
        others = {f for f in FUNCTIONS if f != function}
        assert not [n for n in names if n.split("/")[1] in others], "another function's code"
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        assert not [
            n for n in names if n.startswith(("boto3", "botocore", "aws_lambda_powertools"))
        ]


def test_build_lambdas_writes_sorted_entries_with_fixed_metadata(tmp_path: Path) -> None:
    [artifact, *_] = build_lambdas(REPO_ROOT, tmp_path)
    infos = zipfile.ZipFile(artifact.path).infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {FIXED_TIMESTAMP}
    assert {i.external_attr >> 16 for i in infos} == {0o100644}


def test_build_lambdas_is_reproducible(repo_copy: Path, tmp_path: Path) -> None:
    first = {a.path.name: a.sha256 for a in build_lambdas(repo_copy, tmp_path / "one")}
    for path in repo_copy.rglob("*.py"):
        os.utime(path, (1_000_000_000, 1_000_000_000))  # a fresh checkout has other mtimes
    second = {a.path.name: a.sha256 for a in build_lambdas(repo_copy, tmp_path / "two")}
    assert first == second
    for name in first:
        assert (tmp_path / "one/lambdas" / name).read_bytes() == (
            tmp_path / "two/lambdas" / name
        ).read_bytes()


def test_build_lambdas_changes_only_the_zips_whose_code_changed(
    repo_copy: Path, tmp_path: Path
) -> None:
    before = {a.path.name: a.sha256 for a in build_lambdas(repo_copy, tmp_path)}
    untouched_mtime = (tmp_path / "lambdas/features_api.zip").stat().st_mtime_ns
    handler = repo_copy / "lambdas/notify/handler.py"
    handler.write_text(handler.read_text() + "\n# changed\n")
    after = {a.path.name: a.sha256 for a in build_lambdas(repo_copy, tmp_path)}
    assert [n for n in before if before[n] != after[n]] == ["notify.zip"]
    assert (tmp_path / "lambdas/features_api.zip").stat().st_mtime_ns == untouched_mtime


def test_lambda_sources_refuses_an_unknown_function() -> None:
    with pytest.raises(ValueError, match="no Lambda function 'nope'"):
        lambda_sources(REPO_ROOT, "nope")


@pytest.mark.parametrize("function", FUNCTIONS)
def test_each_zip_imports_its_handler_with_nothing_but_the_runtime_and_layer(
    tmp_path: Path, function: str
) -> None:
    build_lambdas(REPO_ROOT, tmp_path)
    archive = tmp_path / "lambdas" / f"{function}.zip"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        f"import lambdas.{function}.handler as h, lambdas, jobs;"
        "assert callable(h.handler);"
        "print(lambdas.__file__); print(jobs.__file__)"
    )
    # -I: no PYTHONPATH, no current directory; only the zip and site-packages (boto3 + Powertools).
    result = subprocess.run(
        [sys.executable, "-I", "-c", code, str(archive)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert all(line.startswith(str(archive)) for line in result.stdout.split()), result.stdout


def test_mlops_build_command_writes_the_zips(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["build", "--out", str(tmp_path), "--only", "lambdas"]) == 0
    printed = capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "lambdas").iterdir()) == [
        f"{f}.zip" for f in FUNCTIONS
    ]
    assert printed.count("sha256") == len(FUNCTIONS)
