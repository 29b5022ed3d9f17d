import numpy as np

from coach.live.fatigue import FatigueMonitor
from coach.live.safety import SafetyMonitor
from coach.live.sets import ACTIVE, COUNTDOWN, DONE, PAUSED, REST, SETUP, SetController, SetPlan
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L


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
    f = FatigueMonitor(margin=0.3)
    signals = [f.add_rep(t, d, 90.0) for t, d in enumerate([2.0, 2.0, 2.2, 2.8, 3.0, 3.2])]
    fired = [s for s in signals if s]
    assert len(fired) == 1 and fired[0].reason == "slower"
    f.reset()
    assert f.add_rep(0, 3.0, 90) is None and not f.signalled


def test_fatigue_smaller_range_of_motion():
    f = FatigueMonitor(margin=0.3)
    signals = [f.add_rep(t, 2.0, r) for t, r in enumerate([90, 88, 70, 58, 55])]
    fired = [s for s in signals if s]
    assert fired and fired[0].reason == "smaller"


def test_steady_reps_are_not_fatigue():
    f = FatigueMonitor(margin=0.3)
    assert not any(f.add_rep(t, 2.0 + 0.1 * (t % 2), 90 - (t % 3)) for t in range(10))


def body(t: float, hip_y: float, present: bool = True) -> PoseFrame:
    """A crude front-view figure with feet at y=0.9 and hips at ``hip_y``."""
    if not present:
        return PoseFrame.empty(t, (640, 480))
    img = np.zeros((33, 4))
    img[:, 3] = 0.95
    img[:, 0] = 0.5
    img[:, 1] = hip_y - 0.3
    for lm in (L.LEFT_HIP, L.RIGHT_HIP):
        img[lm, 1] = hip_y
    for lm in (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL):
        img[lm, 1] = 0.9
    return PoseFrame(t, img, np.zeros((33, 3)), (640, 480))


def run(monitor, frames):
    return [e for f in frames for e in monitor.update(f)]


def test_sitting_down_is_not_a_fall():
    m = SafetyMonitor()
    standing = [body(i / 30, 0.5) for i in range(60)]
    sit = [body(2 + i / 30, 0.5 + 0.2 * i / 30) for i in range(31)]  # hips to half height in 1 s
    assert run(m, standing + sit) == []


def test_fast_drop_to_the_floor_is_a_fall():
    m = SafetyMonitor()
    run(m, [body(i / 30, 0.5) for i in range(60)])
    fall = [body(2 + i / 30, 0.5 + 0.37 * min(1, i / 15)) for i in range(30)]
    events = run(m, fall)
    assert kinds(events) == ["fall_like"]
    up = run(m, [body(4 + i / 30, 0.5) for i in range(10)])
    assert kinds(up) == ["upright_again"]


def test_slow_lowering_to_the_floor_is_not_a_fall():
    m = SafetyMonitor()
    run(m, [body(i / 30, 0.5) for i in range(60)])
    slow = [body(2 + i / 30, 0.5 + 0.37 * i / 150) for i in range(151)]  # 5 s
    assert run(m, slow) == []


def test_out_of_view_after_two_seconds_then_back():
    m = SafetyMonitor(out_of_view_s=2.0)
    run(m, [body(i / 30, 0.5) for i in range(30)])
    gone = run(m, [body(1 + i / 30, 0.5, present=False) for i in range(75)])
    assert kinds(gone) == ["out_of_view"] and abs(gone[0].time_s - (1 + 60 / 30)) < 0.05
    assert kinds(m.update(body(4, 0.5))) == ["back_in_view"]


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
