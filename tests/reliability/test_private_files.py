"""Issue 11 items 6 and 7: health data on disk is the user's alone, and the session journal cannot
be used by another local user to plant a forged session."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from coach.store import Store, fallback, ops
from tests.store.factories import make_rep

REPO = Path(__file__).resolve().parents[2]


def mode(p: Path) -> str:
    return oct(p.stat().st_mode & 0o777)


def test_cli_creates_private_folders_and_files(tmp_path):
    data = tmp_path / "data"
    env = {**os.environ, "COACH_DATA_DIR": str(data), "PYTHONPATH": str(REPO)}
    env.pop("COACH_DATABASE_URL", None)
    old = os.umask(0o022)  # a usual login umask: files would be 0644 without the coach's care
    try:
        proc = subprocess.run([sys.executable, "-m", "coach.cli", "programme", "create", "P001", "--video-opt-in"],
                              capture_output=True, text=True, env=env, cwd=REPO, timeout=120)
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    assert mode(data) == "0o700"
    for f in data.rglob("*"):
        assert mode(f) == ("0o700" if f.is_dir() else "0o600"), f
    assert (data / "coach.db").exists() and list((data / "backups").glob("*.db"))


def test_existing_world_readable_files_are_closed_on_open(tmp_path):
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'coach.db'}"
    Store.open(url).close()
    video = data / "media" / "videos" / "P001" / "session-x.mp4"
    video.parent.mkdir(parents=True)
    video.write_bytes(b"v")
    for p in (data, data / "coach.db", data / "media", video.parent, video):
        p.chmod(0o755 if p.is_dir() else 0o644)
    Store.open(url).close()
    assert mode(data) == "0o700" and mode(data / "coach.db") == "0o600"
    assert mode(video.parent) == "0o700" and mode(video) == "0o600"


def test_journal_is_private_while_recording(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'data' / 'coach.db'}", fallback_dirs=[tmp_path / "data" / "unsaved"])
    s.add_patient("P001")
    rec = s.start_session("P001", "squat")
    rec.start_set(3)
    rec.add_rep(make_rep(1))
    journal = Path(rec._fallback.path)
    assert mode(journal.parent) == "0o700" and mode(journal) == "0o600"
    rec.finish()
    s.close()


def _forged_journal(folder: Path, database: str, patient: str = "P001", uuid: str = "0" * 8 + "-0000-0000-0000-" + "0" * 12):
    from datetime import datetime, timezone
    start = ops.SessionStart(uuid, patient, "squat", "forged", datetime.now(timezone.utc), "h", 1, 2, "x", "x", {}, None)
    batch = [start, ops.SetStart(1, 15, "", datetime.now(timezone.utc))]
    batch += [ops.RepAdded(1, i, make_rep(i)) for i in range(1, 16)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"session-{uuid}.jsonl"
    header = {"format": fallback.FORMAT, "database": database, "session_uuid": uuid}
    path.write_text("\n".join([json.dumps(header)] + [json.dumps(ops.to_json(o)) for o in batch]) + "\n")
    return path


def test_shared_tmp_folder_is_never_read(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    with Store.open() as s:
        s.add_patient("P001")
        identity = s.identity
    shared = Path(tempfile.gettempdir()) / "rehab-coach-unsaved"
    planted = _forged_journal(shared, identity, uuid="11111111-0000-0000-0000-000000000000")
    try:
        with Store.open() as s:
            assert s.sessions("P001") == []  # the forged 15-rep session was not imported
            assert all(shared not in d.parents and d != shared for d in s.fallback_dirs)
    finally:
        planted.unlink(missing_ok=True)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")
def test_journal_owned_by_another_user_or_in_an_open_folder_is_refused(tmp_path, caplog):
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'coach.db'}"
    with Store.open(url) as s:
        s.add_patient("P001")
        identity = s.identity
    planted = _forged_journal(data / "unsaved", identity)
    os.chown(planted, 4321, 4321)
    with Store.open(url) as s:
        assert s.sessions("P001") == []
    assert "belongs to another user" in caplog.text
    os.chown(planted, os.geteuid(), os.getegid())
    (data / "unsaved").chmod(0o777)
    with Store.open(url) as s:
        assert s.sessions("P001") == []
    assert "not private" in caplog.text


def test_journal_naming_an_unknown_patient_or_a_spliced_session_is_refused(tmp_path, caplog):
    data = tmp_path / "data"
    url = f"sqlite:///{data / 'coach.db'}"
    with Store.open(url) as s:
        s.add_patient("P001")
        identity = s.identity
    _forged_journal(data / "unsaved", identity, patient="P999")
    spliced = _forged_journal(data / "unsaved", identity, uuid="22222222-0000-0000-0000-000000000000")
    header, *rest = spliced.read_text().splitlines()
    h = json.loads(header)
    h["session_uuid"] = "33333333-0000-0000-0000-000000000000"
    spliced.write_text("\n".join([json.dumps(h), *rest]) + "\n")
    with Store.open(url) as s:
        assert s.sessions() == []
    assert "does not exist" in caplog.text and "does not match its header" in caplog.text
