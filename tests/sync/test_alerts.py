"""The physio's "needs attention": each alert from a known event in the record (a diary fall, a
balance loss at a known second, a pain score above the patient's usual, days without a session, a
run of sessions with most reps faulty), each markable as seen by a named physio."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from coach.programme.model import Programme, ProgrammeExercise
from coach.store import DiaryEntry
from coach.sync import alerts
from tests.store.factories import make_rep

TODAY = date.today()


def _session(store, started: datetime, faults=(), exercise="sit-to-stand", reps=8) -> int:
    rec = store.start_session("P001", exercise, "camera:0", {}, started_at=started, lazy=False)
    rec.start_set(reps)
    for i in range(1, reps + 1):
        rec.add_rep(make_rep(i, faults=faults))
    rec.end_set()
    rec.finish()
    return rec.session_id


def test_a_diary_fall_is_first_with_its_day_and_can_be_marked_seen(clinic):
    fall_day = TODAY - timedelta(days=2)
    clinic.save_diary_entry(DiaryEntry("P001", fall_day, falls=1, near_falls=2, note="in the bathroom"))
    clinic.save_diary_entry(DiaryEntry("P001", TODAY - timedelta(days=40), falls=1))  # outside the window
    found = alerts.for_patient(clinic, "P001", TODAY)
    falls = [a for a in found if a.kind == "fall"]
    assert len(falls) == 1 and falls[0].day == fall_day
    assert alerts.day_words(fall_day) in falls[0].text and "in the bathroom" in falls[0].text
    assert found[0].kind == "fall"  # falls come first
    assert [a.kind for a in found if a.kind == "near_fall"] == ["near_fall"]

    alerts.mark_seen(clinic, "P001", falls[0].key, by="anna")
    again = {a.key: a for a in alerts.for_patient(clinic, "P001", TODAY)}
    assert again[falls[0].key].seen_by == "anna" and again[falls[0].key].seen_at is not None
    assert falls[0].key not in {a.key for a in alerts.needs_attention(clinic, TODAY)}
    assert alerts.for_patient(clinic, "P001", TODAY)[-1].key == falls[0].key  # seen ones last


def test_a_balance_loss_names_its_moment(clinic):
    sid = _session(clinic, datetime.now(timezone.utc) - timedelta(hours=3))
    clinic.add_session_event(sid, 74.4, "balance_loss", "step")
    [a] = [a for a in alerts.for_patient(clinic, "P001", TODAY) if a.kind == "balance"]
    assert a.session_id == sid and a.t_s == 74.4 and "1:14 into the session" in a.text


def test_pain_jump_against_the_patients_usual(clinic):
    for k, pain in enumerate((2, 3, 2, 3)):
        clinic.save_diary_entry(DiaryEntry("P001", TODAY - timedelta(days=6 - k), pain=pain))
    assert not [a for a in alerts.for_patient(clinic, "P001", TODAY) if a.kind == "pain"]  # +1 is no jump
    clinic.save_diary_entry(DiaryEntry("P001", TODAY - timedelta(days=1), pain=6))  # usual 2.5: +3.5
    [a] = [a for a in alerts.for_patient(clinic, "P001", TODAY) if a.kind == "pain"]
    assert a.day == TODAY - timedelta(days=1) and "6/10" in a.text


def test_no_session_for_more_than_the_physios_days(clinic):
    _session(clinic, datetime.now(timezone.utc) - timedelta(days=5))
    assert [a.kind for a in alerts.for_patient(clinic, "P001", TODAY)].count("inactive") == 1
    alerts.set_inactive_days(clinic, "P001", 7, by="anna")
    assert "inactive" not in [a.kind for a in alerts.for_patient(clinic, "P001", TODAY)]


def test_a_regress_suggestion_is_an_alert(clinic):
    clinic.save_programme(Programme("P001", (ProgrammeExercise("sit-to-stand", sets=1, reps=8),)))
    start = datetime.now(timezone.utc) + timedelta(seconds=1)
    for k in range(3):  # every rep faulty, three sessions in a row: the rules say easier
        _session(clinic, start + timedelta(minutes=k), faults=("trunk_flexion",))
    [a] = [a for a in alerts.for_patient(clinic, "P001", TODAY) if a.kind == "regress"]
    assert "easier" in a.text and a.session_id is not None
