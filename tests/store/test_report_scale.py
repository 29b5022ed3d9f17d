"""A long report (issue 20 item 3): every session in the Sessions table, rep by rep only the newest
DETAILED_SESSIONS, said in the report; every rep still in the exports."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from coach.reports import collect, render_html, render_pdf
from coach.reports.export import to_json
from coach.reports.tables import DETAILED_SESSIONS
from tests.store.factories import make_rep

SESSIONS = DETAILED_SESSIONS + 5
REPS = 3


def test_a_long_history_lists_every_session_and_details_the_newest(store):
    start = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)
    ids = []
    for day in range(SESSIONS):
        rec = store.start_session("P001", "sit-to-stand", started_at=start + timedelta(days=day))
        rec.start_set(REPS)
        for i in range(1, REPS + 1):
            rec.add_rep(make_rep(i))
        rec.finish()
        ids.append(rec.session_id)
    history = collect(store, "P001")
    page = render_html(history)
    detailed = {int(n) for n in re.findall(r"Session (\d+): ", page)}
    assert detailed == set(ids[-DETAILED_SESSIONS:])  # the newest, rep by rep
    assert f"the newest {DETAILED_SESSIONS} of the {SESSIONS} sessions" in page
    exported = to_json(history)
    assert sum(len(st["reps"]) for s in exported["sessions"] for st in s["set_list"]) == SESSIONS * REPS  # all exported
    assert render_pdf(history).startswith(b"%PDF")
