"""The physio's "Needs attention" read from the stored alerts (``coach.sync.alerts.refresh``, written by
each change) is the same list as computed patient by patient from the record, after each kind of
change, on SQLite and PostgreSQL; each change's own alert is there (what the test wrote), and the
stored rows were already current (no refresh needed when read)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, update

from coach.programme.model import Programme, ProgrammeExercise
from coach.store import DiaryEntry, Store
from coach.store import schema as t
from coach.sync import alerts
from tests.store.factories import make_rep

TODAY = date.today()
NOW = datetime.now(timezone.utc)


@pytest.fixture
def current(monkeypatch):
    """``same(store, today)``: the stored read equals the computed one, and needed no refresh."""

    def stale(store, patient_id, today):
        raise AssertionError(f"patient {patient_id}'s stored alerts were not current")

    def same(store, today=TODAY) -> list[alerts.Alert]:
        with monkeypatch.context() as m:
            m.setattr(alerts, "_refresh_or_compute", stale)
            stored = alerts.needs_attention(store, today)
        assert stored == alerts.needs_attention_computed(store, today)
        return stored

    return same


def _session(store, started: datetime, patient="P001", faults=(), reps=6, events=()) -> int:
    rec = store.start_session(patient, "sit-to-stand", "camera:0", {}, started_at=started, lazy=False)
    rec.start_set(reps)
    for i in range(1, reps + 1):
        rec.add_rep(make_rep(i, faults=faults))
    for kind, t_s in events:
        rec.add_event(kind, t_s, "")
    rec.end_set()
    rec.finish()
    return rec.session_id


def _keys(found, kind) -> set[str]:
    return {a.key for a in found if a.kind == kind}


def test_each_change_keeps_the_stored_alerts_equal_to_the_record(clinic, current):
    assert current(clinic) == []  # two new patients: nothing yet
    # a diary day with a fall and a near-fall, then taken back
    clinic.save_diary_entry(DiaryEntry("P001", TODAY - timedelta(days=2), falls=1, near_falls=1, note="bathroom"))
    found = current(clinic)
    assert _keys(found, "fall") == {f"fall:{TODAY - timedelta(days=2)}"} and _keys(found, "near_fall")
    clinic.remove_diary_entry("P001", TODAY - timedelta(days=2))
    assert not _keys(current(clinic), "fall")
    # a live session with a possible fall at 12.5 s (the recorder's own event), then a loss of balance added
    sid = _session(clinic, NOW - timedelta(days=5), events=[("fall_like", 12.5)])
    found = current(clinic)
    assert {(a.session_id, a.t_s) for a in found if a.kind == "balance"} == {(sid, 12.5)}
    assert _keys(found, "inactive") == {f"inactive:{alerts._session_day(NOW - timedelta(days=5))}"}
    clinic.add_session_event(sid, 30.0, "balance_loss", "step")
    assert {a.t_s for a in current(clinic) if a.kind == "balance"} == {12.5, 30.0}
    # pain: a usual of 2 in the diary, then 6/10 after a session
    for k in range(3):
        clinic.save_diary_entry(DiaryEntry("P002", TODAY - timedelta(days=9 - k), pain=2))
    sid2 = _session(clinic, NOW - timedelta(hours=2), patient="P002")
    clinic.add_session_event(sid2, 60.0, "pain", "6/10")
    assert [a.session_id for a in current(clinic) if a.kind == "pain"] == [sid2]
    # a programme, then three sessions with every rep faulty: the rules say easier
    clinic.save_programme(Programme("P001", (ProgrammeExercise("sit-to-stand", sets=1, reps=6),)))
    assert not _keys(current(clinic), "regress")
    start = datetime.now(timezone.utc) + timedelta(seconds=1)
    faulty = [_session(clinic, start + timedelta(minutes=k), faults=("trunk_flexion",)) for k in range(3)]
    [regress] = [a for a in current(clinic) if a.kind == "regress"]
    assert regress.session_id == faulty[-1] and not _keys(current(clinic), "inactive")
    # left out of the trends (and counted again), then discarded
    clinic.exclude_session(faulty[-1], by="anna", reason="wrong exercise")
    assert [a.session_id for a in current(clinic) if a.kind == "regress"] != [faulty[-1]]
    clinic.include_session(faulty[-1])
    assert [a.session_id for a in current(clinic) if a.kind == "regress"] == [faulty[-1]]
    clinic.discard_session(sid)
    assert not [a for a in current(clinic) if a.kind == "balance"]
    # a new programme without that exercise
    clinic.save_programme(Programme("P001", (ProgrammeExercise("squat", sets=1, reps=6),)))
    assert not _keys(current(clinic), "regress")
    # marked seen and the physio's days: read when drawn
    [pain] = [a for a in current(clinic) if a.kind == "pain"]
    alerts.mark_seen(clinic, "P002", pain.key, by="anna")
    assert not _keys(current(clinic), "pain")
    # as days pass with no new data: the window moves on, "no session" appears
    later = current(clinic, TODAY + timedelta(days=20))
    assert _keys(later, "inactive") == {f"inactive:{alerts._session_day(start + timedelta(minutes=2))}",
                                        f"inactive:{alerts._session_day(NOW - timedelta(hours=2))}"}
    alerts.set_inactive_days(clinic, "P001", 30, by="anna")
    assert [a.patient_id for a in current(clinic, TODAY + timedelta(days=20)) if a.kind == "inactive"] == ["P002"]


def test_a_share_file_import_and_an_upgrade_fill_the_stored_alerts(clinic, laptop, current, tmp_path):
    from coach.store.bundle import export_bundle, import_bundle

    laptop.add_patient("P003", age=70)
    laptop.save_diary_entry(DiaryEntry("P003", TODAY - timedelta(days=1), falls=2, note="stairs"))
    sid = _session(laptop, NOW - timedelta(days=1), patient="P003")
    laptop.add_session_event(sid, 8.0, "balance_loss", "step")
    import_bundle(clinic, export_bundle(laptop, "P003", tmp_path / "share.zip"))
    found = current(clinic)
    assert _keys(found, "fall") == {f"fall:{TODAY - timedelta(days=1)}"}
    assert [a.t_s for a in found if a.kind == "balance"] == [8.0]

    # stored alerts gone or from an older logic (a database filled by COPY, a failed refresh): refreshed on read
    with clinic.engine.begin() as conn:
        conn.execute(delete(t.alert_state).where(t.alert_state.c.patient_id == "P003"))
        conn.execute(delete(t.patient_alerts))
        conn.execute(update(t.alert_state).values(logic=alerts.LOGIC - 1))
    assert alerts.needs_attention(clinic, TODAY) == found
    assert current(clinic) == found  # and stored again


def test_the_upgrade_to_version_7_stores_every_patients_alerts(clinic_url, tmp_path, current):
    from coach.store.migrations import schema_migrations

    store = Store.open(clinic_url, fallback_dirs=[tmp_path / "unsaved"])
    store.add_patient("P001")
    store.save_diary_entry(DiaryEntry("P001", TODAY - timedelta(days=3), near_falls=1))
    with store.engine.begin() as conn:  # back to what the version 6 code wrote
        for table in reversed(t.V7_TABLES):
            table.drop(conn)
        conn.execute(schema_migrations.delete().where(schema_migrations.c.version > 6))
    store.close()
    with Store.open(clinic_url, fallback_dirs=[tmp_path / "unsaved"]) as store:
        assert _keys(current(store), "near_fall") == {f"near_fall:{TODAY - timedelta(days=3)}"}


def test_a_failing_rule_does_not_lose_the_diary_day_and_the_next_read_catches_up(clinic, current, monkeypatch):
    def broken(conn, patient_id):
        raise RuntimeError("a bug in a rule")

    with monkeypatch.context() as m:
        m.setattr(alerts, "_regress", broken)
        clinic.save_diary_entry(DiaryEntry("P001", TODAY - timedelta(days=1), falls=1))
    assert [e.falls for e in clinic.diary_entries("P001")] == [1]  # saved all the same
    found = alerts.needs_attention(clinic, TODAY)  # the stale patient refreshed when read
    assert _keys(found, "fall") == {f"fall:{TODAY - timedelta(days=1)}"}
    assert current(clinic) == found
