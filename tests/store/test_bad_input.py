"""Locked, read-only or full databases: a clear error and never a silent loss."""
from __future__ import annotations

import os
import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from coach.store import Store, StoreError, StoreWriteError, fallback, ops
from tests.store.factories import make_frames, make_rep


def _disk_full(*args, **kwargs):
    raise OperationalError("INSERT INTO reps ...", {}, sqlite3.OperationalError("database or disk is full"))


def test_read_only_database_refuses_to_start_a_session(tmp_path, fallback_dir):
    path = tmp_path / "data" / "coach.db"
    with Store.open(f"sqlite:///{path}", fallback_dirs=[fallback_dir]) as s:
        s.add_patient("P001")
    with Store.open(f"sqlite:///file:{path}?mode=ro&uri=true", fallback_dirs=[fallback_dir]) as ro:
        assert ro.patient("P001").id == "P001"  # still readable for reports
        with pytest.raises(StoreWriteError, match="readonly"):
            ro.start_session("P001", "squat")
    assert not list(fallback_dir.glob("*"))  # nothing was recorded, so nothing is left behind


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_permissions(tmp_path, fallback_dir):
    path = tmp_path / "data" / "coach.db"
    Store.open(f"sqlite:///{path}", fallback_dirs=[fallback_dir]).close()
    path.chmod(0o444)
    with Store.open(f"sqlite:///{path}", fallback_dirs=[fallback_dir]) as ro:
        with pytest.raises(StoreError):
            ro.add_patient("P001")


def test_locked_database_holds_reps_then_saves_them(tmp_path, fallback_dir):
    path = tmp_path / "data" / "coach.db"
    store = Store.open(f"sqlite:///{path}", fallback_dirs=[fallback_dir], busy_timeout_s=0.05)
    store.add_patient("P001")
    rec = store.start_session("P001", "sit-to-stand", retry_interval_s=0.05)
    rec.start_set(10)
    rec.add_rep(make_rep(1))
    assert rec.flush()

    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the database
    rec.add_rep(make_rep(2))
    rec.add_rep(make_rep(3))
    assert not rec.flush(timeout_s=0.5)
    health = rec.health
    assert not health.ok and "database is locked" in health.message and health.pending == 2
    journal = fallback.read(fallback_dir / f"session-{rec.uuid}.jsonl")  # the durable local copy
    assert [o.rep.index for o in journal.ops if isinstance(o, ops.RepAdded)] == [1, 2, 3]
    locker.execute("ROLLBACK")
    locker.close()

    rec.add_rep(make_rep(4))  # the database is back: everything held goes in
    assert rec.flush() and rec.health.ok
    rec.finish()
    assert not list(fallback_dir.glob("*.jsonl"))  # all in the database: the journal is gone
    assert [r.index for r in store.load_session(rec.session_id).reps] == [1, 2, 3, 4]
    store.close()


def test_start_session_on_locked_database_is_a_clear_error(tmp_path, fallback_dir):
    path = tmp_path / "data" / "coach.db"
    store = Store.open(f"sqlite:///{path}", fallback_dirs=[fallback_dir], busy_timeout_s=0.05)
    store.add_patient("P001")
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    with pytest.raises(StoreWriteError, match="Cannot start a session: Could not save to the database "
                                              r"\(database is locked\)"):
        store.start_session("P001", "squat")
    locker.execute("ROLLBACK")
    store.close()


def test_disk_full_mid_set_then_crash_is_recovered_from_fallback(store, db_url, fallback_dir, monkeypatch):
    rec = store.start_session("P001", "heel-raise", retry_interval_s=0.05)
    rec.start_set(10)
    rec.add_rep(make_rep(1))
    assert rec.flush()
    monkeypatch.setattr(ops, "apply", _disk_full)  # the disk fills up
    rec.add_rep(make_rep(2, faults=("heel_low",)))
    rec.add_poses(make_frames(6.0))
    rec.add_event("camera_lost", 7.0, "no person for 3 s")
    assert not rec.flush(timeout_s=0.3)
    assert "database or disk is full" in rec.health.message
    assert rec.health.fallback_path.startswith(str(fallback_dir))
    rec.abandon()  # the coach dies before the disk comes back (kill -9 drops its lock)
    monkeypatch.undo()

    with Store.open(db_url, fallback_dirs=[fallback_dir]) as reopened:  # next start: replayed
        assert not list(fallback_dir.glob("*.jsonl"))
        reopened.mark_interrupted(stale_after=timedelta(0))  # this test's own pid is still alive
        [summary] = reopened.sessions()
        record = reopened.load_session(summary.id)
        assert summary.status == "interrupted"
        assert [r.index for r in record.reps] == [1, 2]
        assert record.reps[1].fault_codes == ["heel_low"]
        assert [e.kind for e in record.events] == ["camera_lost"]
        assert len(reopened.load_poses(summary.id)) == 30


def test_finish_while_failing_raises_naming_the_file(store, db_url, fallback_dir, monkeypatch):
    rec = store.start_session("P001", "reach", retry_interval_s=3600)
    rec._finish_wait_s = 0.5
    rec.start_set(5)
    monkeypatch.setattr(ops, "apply", _disk_full)
    for i in range(1, 4):
        rec.add_rep(make_rep(i))  # the writer thread fails; every rep is in the journal
    with pytest.raises(StoreWriteError) as err:
        rec.finish()
    assert err.value.fallback_path and err.value.fallback_path in str(err.value)
    monkeypatch.undo()
    assert rec.flush()  # the disk came back while the coach was still open
    [summary] = store.sessions()
    assert summary.status == "complete" and summary.reps == 3


def test_no_fallback_place_keeps_data_in_memory(store, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    store.fallback_dirs = [blocker / "unsaved"]  # mkdir fails even for root
    rec = store.start_session("P001", "squat", retry_interval_s=0.05)
    rec.start_set(5)
    monkeypatch.setattr(ops, "apply", _disk_full)
    rec.add_rep(make_rep(1))
    assert not rec.flush(timeout_s=0.3)
    assert "no fallback file could be written" in rec.health.message
    monkeypatch.undo()
    rec.finish()
    assert store.sessions()[0].reps == 1


def test_torn_last_line_of_fallback_file_is_dropped(tmp_path):
    writer = fallback.FallbackWriter([tmp_path], "sqlite:///x.db", "abc")
    writer.write_all([ops.SetStart(1, 5, "", _t()), ops.RepAdded(1, 1, make_rep(1))], "disk full")
    with open(writer.path, "a") as f:
        f.write('{"op": "RepAdded", "set_no": 1, "se')  # the crash hit mid-line
    assert len(fallback.read(writer.path).ops) == 2


def _t():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)
