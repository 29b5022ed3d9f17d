"""A guided test is its own session (settings mode "test", exercise sit-to-stand for a chair stand or
a TUG): the physio's session list, the review's picker, the report's sessions table and session
section, and the reps chart show it as a test with its score, never as a sit-to-stand with 0 reps."""
from __future__ import annotations

from tests.app.conftest import no_exception, run_page


def _store_with_a_test(seeded_store):
    from coach.store import Store
    from exercises.validated_tests import interpret

    with Store.open() as store:
        sid = store.save_test_result("P001", interpret("chair-stand-30s", 11, 72, "female", "stroke"),
                                     source="browser camera (guided test)")
        tug = store.save_test_result("P001", interpret("timed-up-and-go", 14.2, 72, "female", "stroke"),
                                     source="browser camera (guided test)")
    return sid, tug


def test_session_list_and_review_picker_name_the_test_and_its_score(seeded_store):
    sid, tug = _store_with_a_test(seeded_store)
    at = run_page("patients", {"physio_patient_id": "P001"})
    no_exception(at)
    table = at.dataframe[1].value
    row = table[table["Session"] == sid].iloc[0]
    assert row["Exercise"] == "Test: 30-second chair stand" and row["Result"] == "11 stands", dict(row)
    tug_row = table[table["Session"] == tug].iloc[0]
    assert tug_row["Exercise"] == "Test: Timed Up and Go" and tug_row["Result"].startswith("14.2 s")
    at = run_page("review", {"physio_patient_id": "P001", "review_session_id": sid})
    no_exception(at)
    options = at.selectbox(key="review_pick").options
    mine = next(o for o in options if o.startswith(f"#{sid} "))
    assert "Test: 30-second chair stand" in mine and "11 stands" in mine and "Sit to stand" not in mine
    assert "0 reps" not in " ".join(options[:2])


def test_report_names_tests_as_tests_and_keeps_them_off_the_reps_chart(seeded_store):
    sid, _ = _store_with_a_test(seeded_store)
    from coach.reports import collect
    from coach.reports import plots
    from coach.reports.tables import build
    from coach.store import Store

    with Store.open() as store:
        history = collect(store, "P001")
    sections = build(history, [])
    sessions = next(t for t in sections[0].tables if t.title == "Sessions")
    row = next(r for r in sessions.rows if r[0] == str(sid))
    assert row[2] == "Test: 30-second chair stand" and row[4] == "11 stands", row
    section = next(s for s in sections if s.title.startswith(f"Session {sid}:"))
    assert section.lines[0].startswith("Test: 30-second chair stand") and "0 reps" not in section.lines[0]
    assert "validated tests" in sections[0].lines[1]
    only_test = type(history)(history.patient, history.programme,
                              tuple(s for s in history.sessions if s.record.summary.id == sid), (), None, None)
    assert plots.reps_and_duration(only_test) is None  # no dot at 0 reps for a test
