"""The report's sections beyond reps, from a store holding balance holds with a loss of balance,
a paced set whose movements shrink, a Timed Up and Go and two weeks of diary: the numbers in the
HTML are the ones put in, and the PDF renders (its pages are PNGs a person can look at)."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone

import pytest

from coach.reports import collect, render_html, render_pdf
from coach.reports.export import to_json
from coach.store.diary import DiaryEntry
from exercises.base import Rep
from exercises.validated_tests import interpret

START = datetime(2026, 11, 16, 9, 0, tzinfo=timezone.utc)


def _holds_session(store, day: int, times: list[float], loss_at: float | None):
    rec = store.start_session("P001", "single-leg-stance", "camera:0", {"hold_s": 20.0},
                              started_at=START + timedelta(days=day))
    rec.start_set(len(times))
    t = 2.0
    for i, held in enumerate(times, 1):
        rec.add_rep(Rep(i, t, t + held, metrics={"hold_s": held, "sway_speed_cm_s": 2.0 + i, "sway_hip_cm": 9.0},
                        side="left", reason="position left"))
        t += held + 5.0
    if loss_at is not None:
        rec.add_event("balance_loss", loss_at, "step: right foot stepped 0.6 shank lengths away")
    rec.end_set()
    rec.finish("stopped" if loss_at is not None else "complete")
    return rec.session_id


def _paced_session(store, day: int, lifts: list[float]):
    rec = store.start_session("P001", "heel-raise", "camera:0", {"tempo_per_min": 40.0},
                              started_at=START + timedelta(days=day, hours=2))
    rec.start_set(len(lifts))
    for i, lift in enumerate(lifts, 1):
        start = 1.5 * i
        rec.add_rep(Rep(i, start, start + 1.2, metrics={"lift_height_cm": lift, "timing_error_s": 0.1 * (-1) ** i}))
    rec.end_set()
    rec.finish()


def _tug_session(store, day: int):
    rec = store.start_session("P001", "sit-to-stand", "camera:0", {"mode": "test"},
                              started_at=START + timedelta(days=day, hours=4))
    phases = {"stand_up": 1.4, "walk_out": 3.1, "turn": None, "walk_back": 3.0, "sit_down": 1.6}
    result = interpret("timed-up-and-go", 14.2, 72)
    from dataclasses import replace

    rec.add_test_result(replace(result, details={"phases": phases, "walking_aid": "stick"}))
    rec.finish()


@pytest.fixture
def week_store(store):
    _holds_session(store, 0, [6.0, 8.5, 7.0], None)
    sid = _holds_session(store, 7, [11.0, 12.5], loss_at=30.0)
    store.add_session_event(sid, 44.5, "balance_loss", "drop: hips fell 0.7 shank lengths within 0.6 s")
    _paced_session(store, 7, [5.0, 5.1, 4.9, 4.2, 3.6, 3.0, 2.9, 2.6, 2.5])  # shrinking: last third ~50% smaller
    _tug_session(store, 8)
    for k in range(10):
        day = date(2026, 11, 16) + timedelta(days=k)
        store.save_diary_entry(DiaryEntry("P001", day, fatigue=3 + k % 4, pain=2, falls=1 if k == 4 else 0,
                                          near_falls=1 if k in (2, 8) else 0, freezing=k % 3,
                                          note="froze at the kitchen door" if k == 8 else ""))
    return store, sid


def test_report_shows_holds_pacing_tug_and_diary(week_store, tmp_path):
    store, sid = week_store
    h = collect(store, "P001")
    page = render_html(h)
    for expected in (
            "Balance holds", "Holds per session", "Best hold per session",
            f"Session {sid}", "sudden step at 30.0 s", "fall-like drop at 44.5 s",
            "Paced movement (metronome)", "Paced sets", "yes, ",
            "Timed Up and Go", "14.2", "Phase times", "stick", "higher risk of falling",
            "Diary by week", "Tiredness and pain by day", "froze at the kitchen door",
            "Falls: 1, near-falls: 2, freezing episodes: 9 over 10 day(s) with an entry."):
        assert expected in page, expected
    # Week of 16 Nov: 7 days filled in, mean tiredness of 3,4,5,6,3,4,5 = 4.3; the next week 3 days.
    assert "7/7" in page and "4.3" in page and "3/7" in page
    # The best holds: 8.5 s, then 12.5 s; the second session lists both losses of balance.
    assert "8.5" in page and "12.5" in page
    assert page.count("Balance loss") >= 2  # in the session's own events table, both sources
    doc = to_json(h)
    assert [w["days_with_entries"] for w in doc["diary_weeks"]] == [7, 3] and len(doc["diary"]) == 10
    assert [e["kind"] for s in doc["sessions"] for e in s["added_events"]] == ["balance_loss"]
    pdf = render_pdf(h)
    assert pdf.startswith(b"%PDF")
    out = os.environ.get("COACH_TEST_SCREENSHOTS")
    if out and shutil.which("pdftoppm"):  # pages as PNGs for a person to look at
        (tmp_path / "r.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(tmp_path / "r.pdf"), os.path.join(out, "report_beyond")],
                       check=True)


def test_a_report_of_rep_exercises_only_has_none_of_these(store):
    rec = store.start_session("P001", "sit-to-stand", "camera:0", {}, started_at=START)
    rec.start_set(2)
    rec.add_rep(Rep(1, 1.0, 3.0))
    rec.end_set()
    rec.finish()
    page = render_html(collect(store, "P001"))
    for absent in ("Balance holds", "Paced movement", "Diary by week", "Timed Up and Go"):
        assert absent not in page, absent
