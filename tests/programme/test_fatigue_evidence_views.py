"""Issue 23: the physio sees a fatigue finding's evidence (each rep's time or range, the trend,
the numbers) in the session review and in the report; the retired rule's events are marked as such."""
from dataclasses import replace
from datetime import date, datetime

from coach.app.pages.review import event_lines, fatigue_chart, fatigue_findings, fatigue_frame
from coach.reports import html
from coach.reports.data import session_stats
from coach.reports.tables import session_section
from coach.store.records import StoredEvent
from exercises.fatigue import RETIRED_NOTE, first_finding
from tests.programme.factories import record

DURATIONS = [2.0, 2.1, 1.9, 2.0, 2.05, 1.95, 2.0, 2.0, 2.8, 3.0, 3.2]
OLD = "reps take 48% longer than at the start of the set"


def session_with_findings():
    finding = first_finding(DURATIONS)
    events = (StoredEvent("fatigue", 4.0, OLD), StoredEvent("fatigue", 31.5, finding.to_detail()))
    return finding, replace(record("squat", date(2026, 12, 1), reps=11), events=events)


def test_the_review_lists_the_words_and_tables_the_evidence():
    finding, rec = session_with_findings()
    lines = event_lines(rec.events, [], 0.0)
    assert lines[0].endswith(f"{OLD} ({RETIRED_NOTE})") and "evidence" not in lines[1] and "{" not in lines[1]
    [(t, text, back)] = fatigue_findings(rec.events)
    assert t == 31.5 and text == finding.text
    frame = fatigue_frame(back)
    assert list(frame.columns) == ["Rep", "Rep time (s)", "Trend", "Part"] and len(frame) == len(DURATIONS)
    assert list(frame["Part"]) == ["not judged"] + ["before"] * 7 + ["changed"] * 3
    assert list(frame["Rep time (s)"]) == [round(d, 2) for d in DURATIONS]
    assert fatigue_chart(back).to_dict()["layer"][1]["mark"]["type"] == "line"  # the trend line


def test_the_report_has_a_table_of_the_reps_behind_the_finding():
    finding, rec = session_with_findings()
    section = session_section(session_stats(rec))
    events = next(t for t in section.tables if t.title == "Events")
    assert [r[2] for r in events.rows] == [f"{OLD} ({RETIRED_NOTE})", finding.text]
    [table] = [t for t in section.tables if t.title.startswith("Fatigue at 31.5 s")]
    assert table.headers == ("Rep", "Rep time (s)", "Trend", "Part") and len(table.rows) == len(DURATIONS)
    assert table.rows[8] == ("9", "2.80", table.rows[8][2], "changed")
    assert "needed" in table.note and "rep-to-rep variation" in table.note
    page = html.render("r", [section], datetime(2026, 12, 2))
    assert "Fatigue at 31.5 s" in page and "2.80" in page
