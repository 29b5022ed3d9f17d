"""(AppTest) The session review's "Adherence by week": this week's training sessions against the programme
(two sit-to-stand sessions of 4 counted reps today; the programme asks 1 x 5 a day from today)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.app.conftest import no_exception, run_page


def test_the_review_shows_this_weeks_sessions_and_reps_against_the_programme(app_env):
    from coach.programme.model import Programme, ProgrammeExercise
    from coach.store import Store
    from tests.store.factories import make_rep

    with Store.open() as store:
        store.add_patient("P001", age=72, sex="female", condition="stroke")
        store.save_programme(Programme("P001", (ProgrammeExercise("sit-to-stand", sets=1, reps=5),)))
        for k in range(2):
            rec = store.start_session("P001", "sit-to-stand", "camera:0", {},
                                      started_at=datetime.now(timezone.utc) - timedelta(minutes=10 - k), lazy=False)
            rec.start_set(5)
            for i in range(1, 5):
                rec.add_rep(make_rep(i))
            rec.end_set()
            rec.finish()
    at = run_page("review", {"physio_patient_id": "P001"}, timeout=60)
    no_exception(at)
    [table] = [d.value for d in at.dataframe if "Sessions %" in d.value.columns]
    row = table.iloc[0]
    assert row["Sessions"] == "2 of 1" and row["Repetitions"] == "8 of 5"
