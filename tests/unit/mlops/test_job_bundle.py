import subprocess
import sys
import tarfile

import pytest

from mlops.cli import main
from mlops.job_bundle import TRAINING_ENTRY_POINT, build_job_bundle


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "project"
    (root / "jobs" / "processing").mkdir(parents=True)
    (root / "jobs" / "__init__.py").write_text("")
    (root / "jobs" / "processing" / "__main__.py").write_text("print('processing')\n")
    (root / "jobs" / "processing" / "__pycache__").mkdir()
    (root / "jobs" / "processing" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (root / "jobs" / "requirements.txt").write_text("skl2onnx==1.17\n")
    return root


def members(path):
    with tarfile.open(path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


def test_build_job_bundle_layout(project, tmp_path):
    bundle = build_job_bundle(project, tmp_path / "build" / "jobs")
    assert (
        bundle.processing_dir / "jobs" / "processing" / "__main__.py"
    ).read_text() == "print('processing')\n"
    assert not list(bundle.processing_dir.rglob("*.pyc"))
    content = members(bundle.sourcedir)
    assert set(content) == {
        "jobs/__init__.py",
        "jobs/processing/__main__.py",
        "jobs/requirements.txt",
        "requirements.txt",
        TRAINING_ENTRY_POINT,
    }
    assert content["requirements.txt"] == b"skl2onnx==1.17\n"
    assert b'run_module("jobs.training", run_name="__main__"' in content[TRAINING_ENTRY_POINT]


def test_build_job_bundle_is_reproducible_and_versioned_by_content(project, tmp_path):
    first = build_job_bundle(project, tmp_path / "a")
    second = build_job_bundle(project, tmp_path / "b")
    assert first.sourcedir.read_bytes() == second.sourcedir.read_bytes()
    assert first.version == second.version
    (project / "jobs" / "processing" / "__main__.py").write_text("print('changed')\n")
    assert build_job_bundle(project, tmp_path / "c").version != first.version


def test_build_job_bundle_removes_stale_modules(project, tmp_path):
    out = tmp_path / "build"
    build_job_bundle(project, out)
    (project / "jobs" / "processing" / "__main__.py").unlink()
    bundle = build_job_bundle(project, out)
    assert not (bundle.processing_dir / "jobs" / "processing" / "__main__.py").exists()


def test_build_job_bundle_requires_requirements(project, tmp_path):
    (project / "jobs" / "requirements.txt").unlink()
    with pytest.raises(FileNotFoundError, match=r"requirements\.txt"):
        build_job_bundle(project, tmp_path / "build")


def test_training_entry_point_passes_hyperparameters_to_jobs_training(project, tmp_path):
    (project / "jobs" / "training").mkdir()
    (project / "jobs" / "training" / "__init__.py").write_text("")
    (project / "jobs" / "training" / "__main__.py").write_text(
        "import sys, pathlib\npathlib.Path(sys.argv[-1]).write_text(' '.join(sys.argv[1:-1]))\n"
    )
    bundle = build_job_bundle(project, tmp_path / "build")
    code = tmp_path / "code"
    with tarfile.open(bundle.sourcedir) as archive:
        archive.extractall(code, filter="data")
    result_file = tmp_path / "args.txt"
    subprocess.run(
        [sys.executable, TRAINING_ENTRY_POINT, "--n-estimators", "300", str(result_file)],
        cwd=code,
        env={"PYTHONPATH": str(code)},
        check=True,
    )
    assert result_file.read_text() == "--n-estimators 300"


def test_build_job_bundle_leaves_unchanged_files_alone(project, tmp_path):
    out = tmp_path / "build"
    first = build_job_bundle(project, out)
    module = first.processing_dir / "jobs" / "processing" / "__main__.py"
    stamps = (module.stat().st_mtime_ns, first.sourcedir.stat().st_mtime_ns)
    second = build_job_bundle(project, out)
    assert (module.stat().st_mtime_ns, second.sourcedir.stat().st_mtime_ns) == stamps
    assert (out / "VERSION").read_text() == f"{second.version}\n"


def test_mlops_build_writes_the_job_bundle_of_this_repository(tmp_path, capsys):
    assert main(["build", "--out", str(tmp_path), "--only", "jobs"]) == 0
    assert (tmp_path / "jobs" / "processing" / "jobs" / "processing" / "__main__.py").is_file()
    assert "jobs/requirements.txt" in members(tmp_path / "jobs" / "sourcedir.tar.gz")
    printed = capsys.readouterr().out
    assert "sourcedir.tar.gz" in printed
    assert "VERSION" in printed
