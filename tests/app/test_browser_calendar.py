"""Routines and reminders in a real headless Chromium (Debian's, driven by Playwright).

On the patient's laptop: the Today page lists the programme under its occasions in the order of the
day ("Before breakfast (08:00)" ...), what was done this morning is ticked, the week's small wins
show, and the "Save my exercise reminders" download is an .ics file that the icalendar library
parses back into the right recurring events. On the physio's: a routine typed into the programme
table is saved and shows in the patient's day. Screenshots at 1280 and 800 px go to $COACH_TEST_SCREENSHOTS
(default: a tmp dir).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest

from coach.app.pages.programme import COLUMNS
from tests.app.browser import CHROMIUM, launch, snap, sqlite_url, streamlit_server
from tests.app.conftest import APP_FILE

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")
icalendar = pytest.importorskip("icalendar")

PASSWORD = "physio-test-pw"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TODAY = date.today()
NOT_TODAY = WEEKDAYS[(TODAY.weekday() + 3) % 7]


def _programme():
    from coach.programme.model import from_dict

    return from_dict({"patient": "P001", "exercise": [
        {"name": "sit-to-stand", "sets": 1, "reps": 5, "tempo_s": 4, "routine": "before each meal",
         "notes": "Use the kitchen chair with its back to the wall."},
        {"name": "heel-raise", "reps": 15, "tempo_per_min": 40, "routine": "while brushing teeth", "support": "one-hand"},
        {"name": "single-leg-stance", "reps": 3, "hold_s": 20, "support": "fingertips", "routine": "morning"},
        {"name": "squat", "reps": 8, "days": [NOT_TODAY]},
    ]}, patient_id="P001")


def _seed(data: Path) -> None:
    """P001 with the programme; a sit-to-stand this morning at 08:05 (breakfast's, done) and in each
    of the last two weeks, holds and a chair-stand test in each week, so the week has something to say."""
    from coach.store import Store
    from exercises.base import Rep
    from exercises.validated_tests import TestResult

    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=70)
        store.save_programme(_programme())
        for day, reps in ((TODAY, 5), (TODAY - timedelta(days=2), 12), (TODAY - timedelta(days=9), 6)):
            rec = store.start_session("P001", "sit-to-stand", "camera:0",
                                      started_at=datetime.combine(day, clock(8, 5)).astimezone())
            rec.start_set(reps)
            for i in range(reps):
                rec.add_rep(Rep(i + 1, 3.0 * i, 3.0 * i + 2.0))
            rec.end_set()
            rec.finish()
        # balance holds and a chair-stand test, last week and this week (never today: the day stays as seeded)
        for day, holds, stands in ((TODAY - timedelta(days=9), (6.0, 7.5), 9), (TODAY - timedelta(days=1), (9.0, 12.4), 11)):
            rec = store.start_session("P001", "single-leg-stance", "camera:0",
                                      started_at=datetime.combine(day, clock(9, 0)).astimezone())
            rec.start_set(len(holds))
            for i, h in enumerate(holds):
                rec.add_rep(Rep(i + 1, 20.0 * i, 20.0 * i + h, metrics={"hold_s": h}))
            rec.end_set()
            rec.add_test_result(TestResult("chair-stand-30s", stands, "stands"))
            rec.finish()


def _server(data: Path, role: str):
    _seed(data)
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none", "COACH_DATABASE_URL": "",
           "COACH_APP_ROLE": role, "COACH_APP_PATIENT": "P001" if role == "patient" else "",
           "COACH_APP_PASSWORD": PASSWORD if role == "physio" else "",
           "COACH_APP_NOW": f"{TODAY.isoformat()}T08:20"}  # Today marks by this clock: 07:30 due now, 09:00 next
    return streamlit_server(APP_FILE, env, data / "streamlit.log")


def test_today_by_routine_and_the_reminders_file(tmp_path_factory, tmp_path, shots):
    ics = tmp_path / "reminders.ics"
    with _server(tmp_path_factory.mktemp("home"), "patient") as url, playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.goto(url)
        page.get_by_role("button", name="Save my exercise reminders").wait_for(timeout=60_000)
        occasions = page.locator(".coach-occasion")
        headings = occasions.evaluate_all("els => els.map(e => e.firstChild.textContent.trim())")
        # by the clock (08:20): due now first, then next, later, and what is done last
        assert headings == ["While brushing teeth in the morning (07:30)", "Morning (09:00)", "Before lunch (12:30)",
                            "Before dinner (18:00)", "While brushing teeth at night (21:30)",
                            "Before breakfast (08:00)", "Not today (rest day)", "Your week",
                            "Reminders on your phone"], headings
        marks = page.locator("[data-testid='today-occasion']").evaluate_all("els => els.map(e => e.dataset.mark)")
        assert marks == ["now", "next", "later", "later", "later", "done"], marks
        cards = [" ".join(t.split()) for t in page.locator(".coach-card").all_inner_texts()]
        assert "Sit to stand 1 set of 5, metronome: one every 4 s Done - well done! ✓" in cards[5], cards
        assert page.locator(".coach-card.coach-done").count() == 1  # only breakfast's sit-to-stand
        assert "3 holds, 20 seconds each" in cards[1] and "40 a minute" in cards[0]
        assert "Rest day" in cards[-1] and "Squat" in cards[-1]
        wins = page.locator(".coach-wins").inner_text()
        assert "You did 17 sit-to-stands this week, 11 more than last week." in wins, wins
        assert "Your longest stand on one leg was 12.4 seconds, 4.9 seconds longer than last week." in wins
        assert "Your 30-second chair stand went up from 9 to 11 stands." in wins
        # one Start per exercise: sit-to-stand's is at lunch, its next time not yet done
        assert page.get_by_role("button", name=re.compile("Start: Sit to stand")).count() == 1
        assert "P001" not in page.content()
        snap(page, shots, "patient_today_routines", height=4200)
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name="Save my exercise reminders").click()
        assert dl.value.suggested_filename == "my-exercises.ics"
        dl.value.save_as(ics)
        ctx.close()
    data = ics.read_bytes()
    assert b"P001" not in data
    events = list(icalendar.Calendar.from_ical(data).walk("VEVENT"))
    got = sorted((e.decoded("dtstart").strftime("%H:%M"), str(e["summary"]), e["rrule"]["FREQ"][0]) for e in events)
    assert got == [("07:30", "Heel raise 1 x 15", "DAILY"), ("08:00", "Sit to stand 1 x 5", "DAILY"),
                   ("09:00", "Standing on one leg 3 holds of 20 s", "DAILY"), ("10:00", "Squat 1 x 8", "WEEKLY"),
                   ("12:30", "Sit to stand 1 x 5", "DAILY"), ("18:00", "Sit to stand 1 x 5", "DAILY"),
                   ("21:30", "Heel raise 1 x 15", "DAILY")], got
    squat = next(e for e in events if "Squat" in str(e["summary"]))
    assert squat["rrule"]["BYDAY"] == [NOT_TODAY[:2].upper()]
    assert all(len(e.walk("VALARM")) == 1 for e in events)
    assert len({str(e["uid"]) for e in events}) == len(events)


def test_programme_editor_carries_routines_and_shows_the_patients_day(tmp_path_factory, tmp_path, shots):
    data = tmp_path_factory.mktemp("clinic")
    with _server(data, "physio") as url, playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.goto(url)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Programme").click()
        page.get_by_text("The patient's day").wait_for(timeout=60_000)
        text = " ".join(page.locator("[data-testid='stMain']").inner_text().split())
        for expected in ("Before breakfast (08:00)", "Sit to stand 1 x 5, metronome 15 a minute (one every 4 s)",
                         "Standing on one leg 3 holds of 20 s, fingertips on the support",
                         "Routines with usual times", f"Squat 1 x 8 ({NOT_TODAY})"):
            assert expected in text, expected
        # the physio gives the squat a routine in the table: keyboard from the squat's Exercise cell
        grid = page.locator("[data-testid='stDataFrame']").first
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 80, box["y"] + 35 * 4 + 17)  # header, then rows of 35 px: row 4
        page.wait_for_timeout(500)
        for _ in range(COLUMNS.index("routine") - COLUMNS.index("exercise")):
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")  # open the cell's editor, then type into it
        page.wait_for_timeout(800)
        page.keyboard.type("before bed", delay=50)
        page.wait_for_timeout(300)
        page.keyboard.press("Enter")
        page.wait_for_timeout(800)  # the grid hands the edit to Streamlit
        page.get_by_label("Your name or initials").fill("AB")
        page.get_by_role("button", name="Save as a new version").click()
        page.get_by_text("Saved version 2").wait_for(timeout=30_000)
        page.get_by_text("Before bed (21:00)", exact=True).wait_for(timeout=30_000)
        snap(page, shots, "physio_programme_routines", height=4200)
        ctx.close()
    from coach.store import Store

    with Store.open(sqlite_url(data)) as store:
        squat = store.programme("P001").exercise("squat")
    assert (squat.routine, squat.effective_times, squat.days) == ("before bed", ("21:00",), (NOT_TODAY,))
