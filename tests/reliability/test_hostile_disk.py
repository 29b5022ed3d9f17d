"""Issue 17, cases 12 and 14: a full disk during `coach analyze` and `coach live --patient`, and a data
folder that another local user prepared. Each test failed on what landed before (a 49-line traceback
and a torn annotated.mp4; live said "complete", exited 0 and lost the session; the attacker's folder
and database were used silently)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounts a small tmpfs and plays another user (root)")


@pytest.fixture
def disk(tmp_path):
    """A small disk of its own (tmpfs) that really fills up."""
    def mount(size: str) -> Path:
        mnt = tmp_path / f"disk{len(mounted)}"
        mnt.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                          capture_output=True).returncode != 0:
            pytest.skip("cannot mount a tmpfs here")
        mounted.append(mnt)
        return mnt
    mounted: list[Path] = []
    yield mount
    for mnt in mounted:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(mnt: Path, name: str = "filler", leave: int = 0) -> None:
    st = os.statvfs(mnt)
    try:
        with open(mnt / name, "wb") as f:
            f.write(b"\0" * max(st.f_bavail * st.f_frsize - leave, 0))
    except OSError:
        pass


def coach(*args, data: Path, timeout=300, **env):
    full = {**os.environ, "COACH_DATA_DIR": str(data), "PYTHONPATH": str(REPO), **env}
    return subprocess.run([sys.executable, "-m", "coach.cli", *args], capture_output=True, text=True, env=full,
                          cwd=REPO, timeout=timeout)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    """Three arm raises, 15 s (the generator knows every rep)."""
    from coach.synth import ClipSpec, generate, write_clip
    path = tmp_path_factory.mktemp("clip") / "arm.mp4"
    write_clip(generate(ClipSpec(exercise="arm-raise", view="front", reps=3, size=(320, 240), seed=5)), path)
    return path


def sessions(data: Path) -> list[dict]:
    out = coach("sessions", "--json", data=data)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


# --- coach analyze ------------------------------------------------------------------------------

def test_analyze_with_no_room_for_the_video_gives_one_line_and_leaves_nothing(disk, tmp_path, clip):
    out = disk("32k") / "out"  # not even the video fits
    data = tmp_path / "data"
    assert coach("programme", "create", "P1", data=data).returncode == 0
    proc = coach("analyze", str(clip), "-e", "arm-raise", "-q", "--model", "lite", "--patient", "P1",
                 "--out", str(out), data=data)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "no space left" in lines[0].lower() and "annotated.mp4" in lines[0], lines
    assert "session 1 of patient P1" in lines[0]  # the record was saved first and is named
    assert not [p.name for p in out.iterdir()]  # no torn annotated.mp4, no .part file
    assert sessions(data)[0]["reps"] == 3


def test_analyze_results_are_all_or_nothing(disk, tmp_path, clip):
    out = disk("300k") / "out"  # the video fits, the landmark track does not
    proc = coach("analyze", str(clip), "-e", "arm-raise", "-q", "--model", "lite", "--out", str(out),
                 data=tmp_path / "data")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "poses.npz" in proc.stderr and "nothing was written" in proc.stderr
    assert not list(out.iterdir())


# --- coach live --patient -----------------------------------------------------------------------

def _live(clip: Path, data: Path, **env):
    return coach("live", "-e", "arm-raise", "--camera", str(clip), "--patient", "P1", "--no-window", "--reps", "3",
                 "--sets", "1", "--model", "lite", data=data, **env)


def _once_recording(data: Path, then) -> threading.Thread:
    """Run ``then`` as soon as the session's journal exists (its first rep is recorded)."""
    def watch():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not list((data / "unsaved").glob("session-*.jsonl")):
            time.sleep(0.02)
        then()
    t = threading.Thread(target=watch, daemon=True)
    t.start()
    return t


def test_disk_filling_during_a_live_session_loses_nothing(disk, clip):
    mnt = disk("64m")
    data = mnt / "data"
    assert coach("programme", "create", "P1", data=data).returncode == 0
    watcher = _once_recording(data, lambda: fill(mnt))
    proc = _live(clip, data, COACH_SAVE_WAIT_S="20")
    watcher.join(5)
    assert (mnt / "filler").exists()  # the disk did fill up mid-session
    # The journal took the space kept in reserve; the session is whole.
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "space kept in reserve" in proc.stderr
    (mnt / "filler").unlink()
    listed = sessions(data)
    assert [(s["reps"], s["status"]) for s in listed] == [(3, "complete")]
    assert not list((data / "unsaved").glob("*.tmp"))


def test_disk_staying_full_exits_non_zero_and_the_next_start_recovers_the_saved_part(disk, clip):
    mnt = disk("64m")
    data = mnt / "data"
    assert coach("programme", "create", "P1", data=data).returncode == 0
    stop = threading.Event()

    def keep_full():  # whatever space appears (the reserve too) is taken at once
        i = 0
        while not stop.is_set():
            fill(mnt, f"filler{i}")
            i += 1
            time.sleep(0.02)
    watcher = _once_recording(data, keep_full)
    proc = _live(clip, data, COACH_SAVE_WAIT_S="2")
    stop.set()
    watcher.join(10)
    assert proc.returncode == 4, proc.stderr[-2000:]
    assert "NOT saved yet" in proc.stderr and "free some space" in proc.stderr  # told, in plain words
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("coach: error: not saved:") and "kept in" in last and "next time the coach starts" in last
    for f in mnt.glob("filler*"):
        f.unlink()
    listed = sessions(data)  # this start replays the journal
    assert len(listed) == 1 and listed[0]["reps"] >= 1, listed
    assert not list((data / "unsaved").glob("session-*"))


def test_live_on_a_full_disk_is_refused_before_the_patient_starts(disk, clip):
    mnt = disk("8m")
    data = mnt / "data"
    assert coach("programme", "create", "P1", data=data).returncode == 0
    fill(mnt)
    proc = _live(clip, data)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "disk" in proc.stderr and "full" in proc.stderr and "damaged" not in proc.stderr, proc.stderr
    listed = coach("sessions", "--json", data=data)  # reading still works on a full disk
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


# --- a data folder prepared by someone else (case 12) ---------------------------------------------

def _planted(tmp_path: Path, mode: int, owner: int) -> tuple[Path, bytes]:
    from coach.store import Store
    data = tmp_path / "shared-data"
    with Store.open(f"sqlite:///{data / 'coach.db'}", backup_every=None) as s:
        s.add_patient("P1")
    for p in data.rglob("*"):
        os.chown(p, owner, owner)
    os.chown(data, owner, owner)
    os.chmod(data, mode)
    return data, (data / "coach.db").read_bytes()


def test_a_data_folder_owned_by_another_user_is_refused(tmp_path):
    data, before = _planted(tmp_path, 0o777, owner=4321)
    proc = coach("diary", "add", "P1", "--fatigue", "3", "--falls", "1", "--note", "fell in the hall", data=data)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "belongs to another user (uid 4321)" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert (data / "coach.db").read_bytes() == before  # the diary did not go into the planted database


def test_a_world_writable_data_folder_is_refused_even_when_it_is_ones_own(tmp_path):
    data, before = _planted(tmp_path, 0o777, owner=os.geteuid())
    proc = coach("diary", "add", "P1", "--fatigue", "3", data=data)
    assert proc.returncode == 2 and "anyone on this computer can write to it" in proc.stderr
    assert f"chmod 700 {data}" in proc.stderr
    assert (data / "coach.db").read_bytes() == before


def test_a_database_file_owned_by_another_user_is_refused(tmp_path):
    data, before = _planted(tmp_path, 0o700, owner=os.geteuid())
    os.chown(data / "coach.db", 4321, 4321)
    proc = coach("sessions", data=data)
    assert proc.returncode != 0 and "Refusing the database" in proc.stderr and "uid 4321" in proc.stderr
