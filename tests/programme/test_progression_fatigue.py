"""Issue 23: progression asks the one fatigue judgement (exercises.fatigue) on each set's rep
times, reads what the live coach found only when it carries the evidence (not the retired rule's
events), leaves paced sets and holds alone, and sets the bar by the person's earlier sessions."""
from dataclasses import replace
from datetime import date

import numpy as np

from coach.programme.model import ProgrammeExercise, ProgressionRules, from_dict
from coach.programme.progression import fatigue_baseline, session_fatigue, suggest
from coach.store.records import StoredEvent, StoredSet
from exercises.base import Rep
from exercises.fatigue import first_finding
from tests.programme.factories import record

RULES = ProgressionRules()


def session(durations, sid=1, day=1, events=(), settings=None, exercise="squat"):
    """One set of counted reps with these durations (3 s apart plus the rep itself)."""
    rec = record(exercise, date(2026, 12, day), sid=sid)
    t, reps = 0.0, []
    for i, d in enumerate(durations, start=1):
        reps.append(Rep(i, t, t + d))
        t += d + 1.0
    s = StoredSet(1, len(reps), "both", rec.summary.started_at, rec.summary.started_at, tuple(reps))
    return replace(rec, sets=(s,), events=tuple(events), settings=settings or {},
                   summary=replace(rec.summary, reps=len(reps)))


def noisy(n, seed, noise=0.3, slower=0.0):
    rng = np.random.default_rng(seed)
    onset = n - n // 3 + 1
    return [2.0 * (1 + (slower if i >= onset else 0)) * (1 + rng.uniform(-noise, noise)) for i in range(1, n + 1)]


def test_the_slowdown_rule_is_the_live_coachs_judgement():
    item = ProgrammeExercise("squat", reps=12)
    slow = session(noisy(12, 1, noise=0.03, slower=0.3))
    [line] = session_fatigue(slow, item, RULES)
    assert line.startswith("set 1: reps took") and "from rep 9" in line
    assert all(session_fatigue(session(noisy(12, seed)), item, RULES) == () for seed in range(100))


def test_old_fatigue_events_without_evidence_are_not_read_but_live_findings_with_evidence_are():
    item = ProgrammeExercise("head-turn", reps=9)
    steady = [2.0, 2.1, 1.9] * 3
    retired = StoredEvent("fatigue", 10.0, "reps take 35% longer than at the start of the set")
    old = session(steady, exercise="head-turn", events=(retired,))
    assert session_fatigue(old, item, RULES) == ()
    ranges = [60, 61, 59, 60, 62, 58, 40, 38, 37]
    live = first_finding(steady, ranges)
    assert live is not None and live.reason == "smaller"
    found = session(steady, exercise="head-turn", events=(StoredEvent("fatigue", 20.0, live.to_detail()),))
    [line] = session_fatigue(found, item, RULES)
    assert line.startswith("set 1: movement was") and "smaller" in line


def test_paced_sets_and_holds_are_never_fatigue():
    slow = noisy(12, 1, noise=0.03, slower=0.4)
    assert session_fatigue(session(slow), ProgrammeExercise("squat", tempo_per_min=20), RULES) == ()
    assert session_fatigue(session(slow, settings={"tempo_per_min": 20.0}), ProgrammeExercise("squat"), RULES) == ()
    hold = from_dict({"patient": "P001", "exercise": [{"name": "single-leg-stance", "hold_s": 10}]}).exercises[0]
    assert session_fatigue(session(slow, exercise="single-leg-stance"), hold, RULES) == ()


def test_a_person_who_always_varies_a_lot_is_judged_against_that():
    item = ProgrammeExercise("squat", reps=12)
    earlier = [session(noisy(12, seed, noise=0.4), sid=seed + 1, day=seed + 1) for seed in range(4)]
    base = fatigue_baseline(earlier)
    assert base["duration_s"] > 0.15
    today = session(noisy(12, 7, noise=0.03, slower=0.25), sid=9, day=9)
    assert session_fatigue(today, item, RULES) != ()
    assert session_fatigue(today, item, RULES, base) == ()


def test_head_turns_once_slower_do_not_make_the_programme_easier():
    """The app's "regress (reps 6 -> 4)" after one session of head turns: one session is never enough."""
    programme = from_dict({"patient": "P001", "exercise": [{"name": "head-turn", "reps": 6}]})
    one = session([1.2, 1.3, 1.9, 1.1, 1.6, 1.4, 1.9, 1.5, 1.7], exercise="head-turn",
                  events=(StoredEvent("fatigue", 5.0, "reps take 35% longer than at the start of the set"),))
    assert [s.kind for s in suggest(programme, [one])] != ["regress"]


def test_the_live_coach_gets_the_same_baseline_from_the_store(tmp_path):
    from datetime import datetime, timedelta, timezone

    from coach.live.fatigue import monitor_for
    from coach.store import Store

    store = Store.open(f"sqlite:///{tmp_path / 'coach.db'}", fallback_dirs=[tmp_path / "journal"])
    try:
        store.add_patient("P001")
        for day in range(3):
            rec = store.start_session("P001", "squat", started_at=datetime(2026, 12, 1, tzinfo=timezone.utc)
                                      + timedelta(days=day))
            rec.start_set(12)
            t = 0.0
            for i, d in enumerate(noisy(12, day, noise=0.3), start=1):
                rec.add_rep(Rep(i, t, t + d))
                t += d + 1.0
            rec.end_set()
            rec.finish("complete")
        records = [store.load_session(x.id) for x in store.sessions("P001")]
        live = monitor_for(store, "P001", "squat")
        assert live.baseline == fatigue_baseline(records) and live.baseline["duration_s"] > 0.1
        assert monitor_for(store, "P001", "heel-raise").baseline == {}  # no sessions of it yet
        assert monitor_for(None, "P001", "squat").baseline == {} == monitor_for(store, None, "squat").baseline
    finally:
        store.close()
