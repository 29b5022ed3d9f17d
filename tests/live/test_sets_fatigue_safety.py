from coach.live.fatigue import FatigueMonitor
from coach.live.sets import ACTIVE, COUNTDOWN, DONE, PAUSED, REST, SETUP, SetController, SetPlan


def kinds(events):
    return [e.kind for e in events]


def test_set_waits_for_setup_then_counts_down_and_counts():
    sets = SetController(SetPlan(sets=2, reps=2, rest_s=10, countdown_s=3))
    sets.tick(0.0, setup_ok=False)
    assert sets.phase == SETUP
    assert sets.tick(1.0, setup_ok=False) == []
    first = sets.tick(2.0, setup_ok=True)
    assert sets.phase == COUNTDOWN and first[0].value == 3
    assert [e.value for e in sets.tick(3.1, True)] == [2]
    assert sets.on_rep(4.0) == []  # reps before the start do not count
    assert kinds(sets.tick(5.0, True)) == ["set_started"] and sets.phase == ACTIVE
    sets.on_rep(6.0)
    assert kinds(sets.on_rep(8.0)) == ["set_done", "rest_started"] and sets.phase == REST
    assert sets.on_rep(9.0) == [] and sets.results[0].reps == 2
    assert kinds(sets.tick(18.5, True)) == ["rest_over"] and sets.phase == SETUP and sets.set_no == 2


def test_headless_plan_starts_at_once_and_ends_after_last_set():
    sets = SetController(SetPlan(sets=1, reps=1, skip_countdown=True, setup_gate=False))
    assert kinds(sets.tick(0.0, setup_ok=False)) == ["set_started"]
    assert kinds(sets.on_rep(2.0)) == ["set_done", "all_done"] and sets.phase == DONE


def test_pause_keeps_reps_and_resumes_only_for_its_own_reason():
    sets = SetController(SetPlan(sets=1, reps=5, skip_countdown=True, setup_gate=False))
    sets.tick(0.0, True)
    sets.on_rep(1.0)
    assert kinds(sets.pause(2.0, "camera_lost")) == ["paused"] and sets.phase == PAUSED
    assert sets.on_rep(2.5) == [] and sets.set_reps == 1
    assert sets.resume(3.0, "out_of_view") == [] and sets.phase == PAUSED
    assert kinds(sets.resume(3.0, "camera_lost")) == ["resumed"] and sets.phase == ACTIVE
    sets.on_rep(4.0)
    assert sets.set_reps == 2


def test_rest_clock_keeps_running_through_a_pause():
    sets = SetController(SetPlan(sets=2, reps=1, rest_s=10, skip_countdown=True, setup_gate=False))
    sets.tick(0.0, True)
    sets.on_rep(1.0)  # rest starts at 1.0
    sets.pause(3.0, "out_of_view")
    sets.resume(6.0, "out_of_view")
    assert sets.phase == REST and abs(sets.time_left_s(6.0) - 5.0) < 1e-9


def test_fatigue_slower_reps_suggest_a_rest_once():
    # Issue 23: three slow reps after steady ones (not the first two against the third, as before)
    f = FatigueMonitor(margin=0.3)
    durations = [2.0, 2.1, 1.9, 2.0, 2.05, 1.95, 2.8, 3.0, 3.2, 3.3]
    signals = [f.add_rep(t, d, 90.0) for t, d in enumerate(durations)]
    fired = [s for s in signals if s]
    assert len(fired) == 1 and fired[0].reason == "slower" and signals[8] is fired[0]
    assert fired[0].finding.onset_rep == 7 and "from rep 7" in fired[0].text
    f.reset()
    assert f.add_rep(0, 3.0, 90) is None and not f.signalled


def test_the_first_reps_against_the_third_are_no_longer_fatigue():
    """Issue 23: a healthy set of three squats took 48% longer on the third: not fatigue."""
    f = FatigueMonitor()
    assert not any(f.add_rep(t, d, 90.0) for t, d in enumerate([1.6, 1.7, 2.45]))


def test_fatigue_smaller_range_of_motion():
    f = FatigueMonitor(margin=0.3)
    ranges = [90, 88, 91, 89, 90, 87, 60, 58, 55]
    signals = [f.add_rep(t, 2.0, r) for t, r in enumerate(ranges)]
    fired = [s for s in signals if s]
    assert fired and fired[0].reason == "smaller" and signals[8] is fired[0]


def test_steady_reps_are_not_fatigue():
    f = FatigueMonitor(margin=0.3)
    assert not any(f.add_rep(t, 2.0 + 0.1 * (t % 2), 90 - (t % 3)) for t in range(10))


def test_rest_now_on_the_last_set_is_not_a_completed_plan():
    from coach.live.sets import SetController, SetPlan
    c = SetController(SetPlan(sets=2, reps=3, rest_s=0, skip_countdown=True, setup_gate=False))
    c.tick(0.0, True)
    for t in (1.0, 2.0, 3.0):
        c.on_rep(t)  # set 1 reaches its target
    c.tick(3.1, True)
    c.on_rep(4.0)
    events = c.end_set(5.0)  # "rest now" on the last set after 1 of 3 reps
    assert [e.kind for e in events] == ["set_done", "all_done"] and events[0].detail == "ended_early"
    assert c.phase == "done" and not c.plan_completed
    full = SetController(SetPlan(sets=1, reps=2, rest_s=0, skip_countdown=True, setup_gate=False))
    full.tick(0.0, True)
    full.on_rep(1.0)
    full.on_rep(2.0)
    assert full.phase == "done" and full.plan_completed
