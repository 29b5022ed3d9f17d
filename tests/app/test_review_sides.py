"""The physio's review of a march with a trembling freeze (true landmarks, generator's truth): the
'Each side' table has each leg's steps, and the lines tell the cadence against the metronome and
the freeze with its moment (AppTest: no browser)."""
from __future__ import annotations

import re

import pytest

from coach.synth import ClipSpec
from tests.app.conftest import no_exception, run_page


def test_the_review_shows_each_leg_and_the_trembling_freeze(app_env):
    from coach.store import Store
    from tests.exercises.test_stepping import _march

    notes, ex, _ = _march(ClipSpec(exercise="stepping", view="front", reps=10, tempo=1.6), trembles={5: 2.5})
    with Store.open() as store:
        store.add_patient("P001", age=75, condition="parkinsons")
        rec = store.start_session("P001", "stepping", "camera:0", {"tempo_per_min": 96.0})
        rec.start_set(10)
        for r in ex.reps:
            rec.add_rep(r)
        rec.end_set()
        rec.finish()
        sid = rec.session_id
    at = run_page("review", {"physio_patient_id": "P001", "review_session_id": sid}, timeout=60)
    no_exception(at)
    assert "Each side" in [s.value for s in at.subheader]
    table = next(d.value for d in at.dataframe if "Leg" in d.value.columns)
    assert dict(zip(table["Leg"], table["Steps"].astype(int))) == {"Left leg": 5, "Right leg": 5} == {
        f"{k.capitalize()} leg": v for k, v in notes["per_side"].items()}
    text = "\n".join(m.value for m in at.markdown)
    assert "Cadence: 96 steps a minute; metronome 96 a minute" in text
    said = re.search(r"Freezing at ([\d.]+) s: the legs trembling in place", text)
    assert said, text
    assert float(said.group(1)) == pytest.approx(notes["freezes"][0]["start_s"], abs=0.15)
