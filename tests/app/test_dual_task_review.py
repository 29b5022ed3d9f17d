"""The dual-task cost where the physio reads it (issue 22.4): the review page and the report (HTML and
PDF) of a session done with a thinking task, against the same exercise without it that day.

Truth: the reps are made here with known times and sizes (each 1.4 s long, so the gaps between their
ends are those between their onsets). Without the task: gaps 2.0, 2.1,
1.9, 2.1, 1.9 s (mean 2.0 s: 30 a minute), turns of 40 deg; with it: gaps 2.4, 2.8, 2.2, 2.9, 2.2 s
(mean 2.5 s: 24 a minute), turns of 30 deg. Pace cost (30 - 24) / 30 = +20%, amplitude cost
(40 - 30) / 40 = +25%."""
from __future__ import annotations

import numpy as np

from exercises.base import Rep
from tests.app.conftest import no_exception, run_page

SINGLE_STARTS = np.cumsum([0.0, 2.0, 2.1, 1.9, 2.1, 1.9]) + 3.0
DUAL_STARTS = np.cumsum([0.0, 2.4, 2.8, 2.2, 2.9, 2.2]) + 3.0


def _session(store, starts, degrees, settings):
    rec = store.start_session("P001", "head-turn", "camera:0", settings)
    rec.start_set(len(starts))
    for i, s in enumerate(starts, 1):
        rec.add_rep(Rep(i, float(s), float(s) + 1.4, metrics={"range_deg": degrees}, side="left" if i % 2 else "right"))
    rec.end_set()
    rec.finish("complete")
    return rec.session_id


def _seed(store):
    store.add_patient("P001", age=70, condition="parkinsons")
    single = _session(store, SINGLE_STARTS, 40.0, {"mode": "live"})
    dual = _session(store, DUAL_STARTS, 30.0, {"mode": "live", "dual_task": "serial-7s"})
    return single, dual


def test_the_review_page_and_the_report_show_the_cost(app_env):
    from coach.reports import collect, render_html, render_pdf
    from coach.reports.dual_task import cost_for_session
    from coach.store import Store

    with Store.open() as store:
        single, dual = _seed(store)
        got = cost_for_session(store, dual)
        history = collect(store, "P001")
    assert got.single_session_id == single
    assert abs(got.cost.cost("pace").cost_pct - 20.0) < 0.1 and abs(got.cost.cost("amplitude").cost_pct - 25.0) < 0.1
    gaps_s, gaps_d = np.diff(SINGLE_STARTS), np.diff(DUAL_STARTS)
    cv = lambda g: g.std(ddof=1) / g.mean()  # noqa: E731
    assert abs(got.cost.cost("rhythm").cost_pct - (cv(gaps_d) - cv(gaps_s)) / cv(gaps_s) * 100) < 0.1
    page = render_html(history)
    assert "Dual-task practice" in page and "with counting back in sevens" in page
    assert "<td>Pace</td><td>30.0 reps/min</td><td>24.0 reps/min</td><td>-20%</td><td>+20%</td>" in page
    assert "<td>Amplitude</td><td>40.0 deg</td><td>30.0 deg</td><td>-25%</td><td>+25%</td>" in page
    assert render_pdf(history)[:4] == b"%PDF"
    review = run_page("review", {"physio_patient_id": "P001", "review_session_id": dual}, timeout=60)
    no_exception(review)
    assert any(s.value == "Dual task: Counting back in sevens" for s in review.subheader)
    table = next(d.value for d in review.dataframe if "Beyond own variation" in d.value.columns)
    assert list(table["Cost"]) == ["+20%", "+25%", table["Cost"][2]] and table["Cost"][2].startswith("+")
