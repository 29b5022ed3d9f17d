"""Issue 11 item 8: a full disk, a read-only --out and a read-only data folder: results written
atomically, the session saved first, the failing path named, read-only commands still work."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from coach.analysis import AnalysisResult
from coach.pose.frame import PoseSeries
from coach.result_files import write_outputs
from coach.store import Store, StoreWriteError
from tests.store.factories import make_rep

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def tmpfs(tmp_path):
    """A small tmpfs (root only; CI runs as root): a disk that really fills up, or goes read-only."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mnt)],
                                            capture_output=True).returncode != 0:
        pytest.skip("needs to mount a tmpfs (root)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt: Path, leave_bytes: int = 0) -> None:
    st = os.statvfs(mnt)
    free = st.f_bavail * st.f_frsize - leave_bytes
    with open(mnt / "filler", "wb") as f:
        f.write(b"\0" * max(free, 0))


def result(n_frames=3000) -> AnalysisResult:
    rng = np.random.default_rng(0)
    poses = PoseSeries(np.arange(n_frames) / 30.0, rng.random((n_frames, 33, 4)), rng.random((n_frames, 33, 3)), (640, 480))
    return AnalysisResult("squat", "both", "lite", "x.mp4", 30.0, n_frames, n_frames / 30.0, 1.0,
                          [make_rep(i) for i in range(1, 4)], poses=poses)


def test_full_disk_leaves_no_torn_file_and_names_it(tmpfs):
    out = tmpfs / "out"
    write_outputs(result(30), out)  # a first, complete set of results
    before = (out / "poses.npz").read_bytes()
    fill(tmpfs, leave_bytes=64 * 1024)
    with pytest.raises(OSError) as err:
        write_outputs(result(), out)  # the landmark track no longer fits
    assert "could not write" in str(err.value) and str(out / "poses.npz") in str(err.value)
    assert "No space left" in str(err.value) and "[Errno" not in str(err.value)
    assert (out / "poses.npz").read_bytes() == before  # the old file is intact, not half-overwritten
    assert not list(out.glob(".*.tmp"))


def _run(*args, env):
    return subprocess.run([sys.executable, "-m", "coach.cli", *args], capture_output=True, text=True, env=env,
                          cwd=REPO, timeout=300)


@pytest.fixture(scope="module")
def short_clip(tmp_path_factory):
    from coach.synth import ClipSpec, generate, write_clip
    clip = generate(ClipSpec(exercise="arm-raise", view="front", reps=2, size=(320, 240), seed=11))
    path = tmp_path_factory.mktemp("clip") / "arm.mp4"
    write_clip(clip, path)
    return path


def test_full_disk_during_analyze_keeps_the_session(tmpfs, tmp_path, short_clip):
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"), "PYTHONPATH": str(REPO)}
    assert _run("programme", "create", "P1", env=env).returncode == 0
    out = tmpfs / "out"
    out.mkdir()
    fill(tmpfs, leave_bytes=4096)
    proc = _run("analyze", str(short_clip), "-e", "arm-raise", "--patient", "P1", "--no-video", "-q",
                "--model", "lite", "--out", str(out), env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "could not write" in proc.stderr and str(out) in proc.stderr and "session 1 of patient P1" in proc.stderr
    listed = _run("sessions", "--patient", "P1", "--json", env=env)
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["reps"] == 2  # the record is safe


def test_read_only_out_folder_is_refused_before_the_analysis(tmpfs, tmp_path, short_clip):
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    proc = _run("analyze", str(short_clip), "-e", "arm-raise", "--no-video", "-q", "--model", "lite",
                "--out", str(tmpfs / "out"), env={**os.environ, "COACH_DATA_DIR": str(tmp_path / "d")})
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "output folder" in proc.stderr and "--out" in proc.stderr


def test_read_only_data_folder_opens_read_only_and_says_why(tmpfs, tmp_path):
    data = tmpfs / "data"
    url = f"sqlite:///{data / 'coach.db'}"
    with Store.open(url, backup_every=None) as s:
        s.add_patient("P001")
        with s.start_session("P001", "squat") as rec:
            rec.start_set(1)
            rec.add_rep(make_rep(1))
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    with Store.open(url) as s:
        assert "read-only" in s.read_only_reason and str(data) in s.read_only_reason
        assert s.media_dir == data / "media" and s.identity == f"sqlite:///{data / 'coach.db'}"
        assert s.sessions("P001")[0].reps == 1  # reading works
        with pytest.raises(StoreWriteError, match="read-only"):
            s.start_session("P001", "squat")
    env = {**os.environ, "COACH_DATA_DIR": str(data), "PYTHONPATH": str(REPO)}
    listed = _run("sessions", "--json", env=env)
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["patient"] == "P001"
    assert "unable to open database file" not in listed.stderr
