"""model.tar.gz: SageMaker's layout (files at the root, code/ beside the model), reproducible."""

from __future__ import annotations

import json
import shutil
import tarfile

import pytest

from jobs.training.inference import model_fn
from jobs.training.package import REQUIRED_FILES, make_model_tarball


def test_make_model_tarball_puts_the_model_files_at_the_archive_root(trained_model, tmp_path):
    tarball = make_model_tarball(trained_model.model_dir, tmp_path / "out" / "model.tar.gz")
    with tarfile.open(tarball, "r:gz") as archive:
        names = set(archive.getnames())
        members = archive.getmembers()
        metadata = json.load(archive.extractfile("metadata.json"))
    assert set(REQUIRED_FILES) <= names
    assert names == set(REQUIRED_FILES) | {"code"}
    assert all(member.mtime == 0 and member.uid == 0 and member.uname == "" for member in members)
    assert metadata["training_job"] == "test-training-job"


def test_make_model_tarball_is_reproducible_and_loads_through_its_own_code(trained_model, tmp_path):
    first = make_model_tarball(trained_model.model_dir, tmp_path / "a.tar.gz")
    second = make_model_tarball(trained_model.model_dir, tmp_path / "b.tar.gz")
    assert first.read_bytes() == second.read_bytes()
    with tarfile.open(first) as archive:
        archive.extractall(tmp_path / "extracted", filter="data")
    model = model_fn(str(tmp_path / "extracted"))
    assert model.threshold == trained_model.evaluation["threshold"]


def test_make_model_tarball_skips_python_caches(trained_model, tmp_path):
    model_dir = shutil.copytree(trained_model.model_dir, tmp_path / "model")
    (model_dir / "code" / "__pycache__").mkdir()
    (model_dir / "code" / "__pycache__" / "inference.cpython-311.pyc").write_bytes(b"x")
    with tarfile.open(make_model_tarball(model_dir, tmp_path / "m.tar.gz")) as archive:
        assert not any("__pycache__" in name for name in archive.getnames())


def test_make_model_tarball_refuses_an_incomplete_model_directory(trained_model, tmp_path):
    model_dir = shutil.copytree(trained_model.model_dir, tmp_path / "model")
    (model_dir / "model.onnx").unlink()
    with pytest.raises(FileNotFoundError, match=r"missing \['model.onnx'\]"):
        make_model_tarball(model_dir, tmp_path / "model.tar.gz")
