"""Issue 11 item 1: a hung database never stalls the live loop, the loop is told, nothing is lost.

Before: PostgreSQL SIGSTOPped for 20 s dropped 590 of 1266 frames and lost 6 of 12 reps with no
warning; an SQLite lock held 20 s lost 2 reps. Here the outage is shorter (CI time) but the same.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from coach.store import Store
from tests.reliability.hung_db import Hang, run_loop

HANG_S = 6.0
FPS = 30.0
POSTGRES_URL = os.environ.get("COACH_TEST_POSTGRES_URL")
POSTGRES_DATA = os.environ.get("COACH_TEST_POSTGRES_DATA")


def _check(store, rec, report):
    assert report.late_frames <= 3, report  # scheduling noise on a busy 2-core machine, not storage
    assert report.max_call_ms < 100, report  # no recorder call waited on the database
    assert any("behind" in w or "locked" in w for w in report.warnings), report  # the loop was told
    rec.finish()  # the database is back: everything goes in
    record = store.load_session(rec.session_id)
    assert [r.index for r in record.reps] == list(range(1, report.reps_sent + 1))
    assert record.summary.status == "complete"
    assert len(store.load_poses(rec.session_id)) > 0


def test_sqlite_lock_held_does_not_stall_or_lose_reps(tmp_path):
    path = tmp_path / "data" / "coach.db"
    store = Store.open(f"sqlite:///{path}", fallback_dirs=[tmp_path / "journal"])
    store.add_patient("P001")
    rec = store.start_session("P001", "sit-to-stand")
    rec._lag_warn_s = 2.0
    hang = Hang("sqlite", 1.0, 1.0 + HANG_S, path)
    try:
        report = run_loop(rec, HANG_S + 3.0, fps=FPS, at=hang)
    finally:
        hang.release()
    _check(store, rec, report)
    assert not list((tmp_path / "journal").glob("*.jsonl"))
    store.close()


@pytest.mark.skipif(not (POSTGRES_URL and POSTGRES_DATA), reason="needs the test PostgreSQL (scripts/start_test_postgres.sh)")
@pytest.mark.skipif(os.geteuid() != 0 and not os.access("/proc", os.R_OK), reason="needs to signal the server")
def test_postgres_sigstopped_does_not_stall_or_lose_reps(tmp_path):
    from tests.store.conftest import _empty_postgres
    url = _empty_postgres(POSTGRES_URL)
    store = Store.open(url, fallback_dirs=[tmp_path / "journal"])
    store.add_patient("P001")
    rec = store.start_session("P001", "sit-to-stand")
    rec._lag_warn_s = 2.0
    hang = Hang("postgresql", 1.0, 1.0 + HANG_S, Path(POSTGRES_DATA))
    try:
        report = run_loop(rec, HANG_S + 3.0, fps=FPS, at=hang)
    finally:
        hang.release()
    _check(store, rec, report)
    store.close()


def test_crash_while_the_database_is_hung_is_replayed_on_the_next_start(tmp_path):
    """The coach dies during the outage: the journal holds every rep; the next open saves them."""
    path = tmp_path / "data" / "coach.db"
    store = Store.open(f"sqlite:///{path}", fallback_dirs=[tmp_path / "journal"])
    store.add_patient("P001")
    rec = store.start_session("P001", "sit-to-stand")
    hang = Hang("sqlite", 0.0, 100.0, path)
    try:
        report = run_loop(rec, 2.0, fps=FPS, at=hang)
        rec.abandon()  # kill -9 while the lock is held
    finally:
        hang.release()
    store.close()
    with Store.open(f"sqlite:///{path}", fallback_dirs=[tmp_path / "journal"]) as reopened:
        reopened.mark_interrupted(stale_after=__import__("datetime").timedelta(0))
        [summary] = reopened.sessions()
        assert summary.reps == report.reps_sent and summary.status == "interrupted"
        assert not list((tmp_path / "journal").glob("*.jsonl"))
