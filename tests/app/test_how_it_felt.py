"""After an exercise the patient rates how hard it was and any pain (0-10); the ratings are stored with
the session and the physio sees them beside the reps (review) and in the report's session section."""
from __future__ import annotations

from tests.app.conftest import no_exception, run_page


def test_ratings_are_stored_and_shown_to_the_physio(seeded_store):
    from coach.app import how_it_felt
    from coach.reports import collect
    from coach.reports.tables import build
    from coach.store import Store

    sid = seeded_store["replay_session"]
    with Store.open() as store:
        store.add_session_event(sid, 0.0, "effort", "7/10")
        store.add_session_event(sid, 0.0, "pain", "2/10")
        assert how_it_felt.ratings(store.session_events(sid)) == {"effort": 7, "pain": 2}
        sections = build(collect(store, "P001"), [])
    section = next(s for s in sections if s.title.startswith(f"Session {sid}:"))
    assert "The patient's rating: how hard 7/10, pain 2/10" in section.lines
    assert not any(row[1] in ("Effort", "Pain") for t in section.tables if t.title == "Events" for row in t.rows)
    at = run_page("review", {"physio_patient_id": "P001", "review_session_id": sid}, timeout=60)
    no_exception(at)
    assert any("effort 7/10, pain 2/10" in m.value for m in at.markdown)
