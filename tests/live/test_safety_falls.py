"""The safety monitor: a fall is a fast drop that ends down (lying, shoulders low, hips on the
floor) and stays there; a squat, a sit-to-stand or sitting down lowers the hips on purpose and
is never a fall. Figures are drawn from a height, a hip height and a trunk angle, as a camera
would see them (image y down, feet on the floor at y = 0.9)."""
import numpy as np
import pytest

from coach.live.safety import SafetyMonitor, SafetyParams
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L

FLOOR_Y = 0.9
HIP_Y = 0.5  # standing: hips 0.4 above the floor, shoulders 0.3 above the hips
TRUNK = 0.3
FPS = 30


def body(t: float, hip_y: float = HIP_Y, trunk_deg: float = 0.0, present: bool = True) -> PoseFrame:
    """A front or side figure: feet on the floor, hips at ``hip_y``, the trunk ``trunk_deg`` from
    vertical (90 = lying), the head above the shoulders along the trunk."""
    if not present:
        return PoseFrame.empty(t, (480, 480))
    img = np.zeros((33, 4))
    img[:, 3] = 0.95
    img[:, 0] = 0.5
    a = np.radians(trunk_deg)
    shoulder = (0.5 + TRUNK * np.sin(a), hip_y - TRUNK * np.cos(a))
    head = (0.5 + 1.4 * TRUNK * np.sin(a), hip_y - 1.4 * TRUNK * np.cos(a))
    img[:, 0], img[:, 1] = head
    for lm in (L.LEFT_SHOULDER, L.RIGHT_SHOULDER):
        img[lm, :2] = shoulder
    for lm in (L.LEFT_HIP, L.RIGHT_HIP):
        img[lm, :2] = (0.5, hip_y)
    for lm in (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL, L.LEFT_KNEE, L.RIGHT_KNEE):
        img[lm, :2] = (0.5, FLOOR_Y if "KNEE" not in lm.name else (FLOOR_Y + hip_y) / 2)
    return PoseFrame(t, img, np.zeros((33, 3)), (480, 480))


def hips_at(share: float) -> float:
    """Image y of hips at ``share`` of their standing height."""
    return FLOOR_Y - share * (FLOOR_Y - HIP_Y)


def ramp(t0: float, seconds: float, a: dict, b: dict):
    n = max(int(seconds * FPS), 1)
    return [body(t0 + i / FPS, **{k: a[k] + (b[k] - a[k]) * i / n for k in a}) for i in range(1, n + 1)]


def stand(t0: float, seconds: float):
    return [body(t0 + i / FPS) for i in range(int(seconds * FPS))]


def run(monitor, frames):
    return [e for f in frames for e in monitor.update(f)]


def kinds(events):
    return [e.kind for e in events]


UP = {"hip_y": HIP_Y, "trunk_deg": 0.0}


@pytest.mark.parametrize("bottom_share, trunk_deg, hold_s", [
    (0.25, 20.0, 0.2),  # a deep, quick squat (front view)
    (0.20, 45.0, 0.0),  # a jump squat's bottom, hands near the floor
    (0.25, 30.0, 4.5),  # a tutorial squat held at the bottom
    (0.45, 10.0, 3.0),  # sitting down on a chair, fast, and staying seated
])
def test_squats_and_sitting_down_are_not_falls(bottom_share, trunk_deg, hold_s):
    m = SafetyMonitor()
    frames = stand(0, 2)
    t = 2.0
    for _ in range(4):
        low = {"hip_y": hips_at(bottom_share), "trunk_deg": trunk_deg}
        frames += ramp(t, 0.5, UP, low)  # down in half a second: as fast as a fall
        frames += [body(t + 0.5 + i / FPS, **low) for i in range(int(hold_s * FPS))]
        frames += ramp(t + 0.5 + hold_s, 0.6, low, UP)
        t += 1.1 + hold_s + 0.5
        frames += stand(t - 0.5, 0.5)
    assert run(m, frames) == []


def test_a_fall_onto_the_side_is_raised_once_and_upright_again_ends_it():
    m = SafetyMonitor()
    run(m, stand(0, 2))
    down = {"hip_y": hips_at(0.1), "trunk_deg": 85.0}
    fall = ramp(2, 0.6, UP, down) + [body(2.6 + i / FPS, **down) for i in range(60)]
    events = run(m, fall)
    assert kinds(events) == ["fall_like"]
    assert 2.6 <= events[0].time_s <= 2.6 + m.params.confirm_s + 0.2  # raised once down for confirm_s
    assert kinds(run(m, ramp(5, 2.0, down, UP) + stand(7, 0.5))) == ["upright_again"]


def test_a_fall_to_sitting_on_the_floor_is_a_fall():
    m = SafetyMonitor()
    run(m, stand(0, 2))
    sat = {"hip_y": hips_at(0.05), "trunk_deg": 20.0}  # hips on the floor, trunk fairly upright
    assert kinds(run(m, ramp(2, 0.5, UP, sat) + [body(2.5 + i / FPS, **sat) for i in range(60)])) == ["fall_like"]


def test_a_stumble_that_gets_straight_back_up_is_not_a_fall():
    m = SafetyMonitor()
    run(m, stand(0, 2))
    down = {"hip_y": hips_at(0.1), "trunk_deg": 70.0}
    frames = ramp(2, 0.4, UP, down) + [body(2.4 + i / FPS, **down) for i in range(12)] + ramp(2.8, 0.5, down, UP)
    assert run(m, frames + stand(3.3, 2)) == []


def test_slow_lowering_to_the_floor_is_not_a_fall():
    m = SafetyMonitor()
    run(m, stand(0, 2))
    floor = {"hip_y": hips_at(0.05), "trunk_deg": 80.0}
    assert run(m, ramp(2, 5.0, UP, floor) + [body(7 + i / FPS, **floor) for i in range(60)]) == []


def test_out_of_view_after_two_seconds_then_back():
    m = SafetyMonitor(SafetyParams(out_of_view_s=2.0))
    run(m, stand(0, 1))
    gone = run(m, [body(1 + i / FPS, present=False) for i in range(75)])
    assert kinds(gone) == ["out_of_view"] and abs(gone[0].time_s - (1 + 60 / FPS)) < 0.05
    assert kinds(m.update(body(4))) == ["back_in_view"]


def test_gone_right_after_a_fast_drop_is_a_possible_fall():
    m = SafetyMonitor(SafetyParams(out_of_view_s=2.0))
    run(m, stand(0, 2))
    run(m, ramp(2, 0.4, UP, {"hip_y": hips_at(0.2), "trunk_deg": 60.0}))
    gone = run(m, [body(2.4 + i / FPS, present=False) for i in range(75)])
    assert kinds(gone) == ["out_of_view"] and gone[0].detail == "after a fast drop"
