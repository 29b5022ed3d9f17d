"""A validated test is scored only when the recording supports it (issue 11 item 2), and the one
vocabulary / TestResult / norms (issue 10 item 1)."""
from __future__ import annotations

import numpy as np
import pytest

from coach.analysis import body_orientation
from coach.pose.frame import PoseSeries
from exercises import validated_tests as vt
from exercises.base import Fault, Rep


def stands(n: int, every_s: float = 3.0, t0: float = 1.0, hands: tuple[int, ...] = ()) -> list[Rep]:
    out = []
    for i in range(1, n + 1):
        start = t0 + every_s * (i - 1)
        faults = (Fault("hands_on_thighs", start + 1.0),) if i in hands else ()
        out.append(Rep(i, start, start + 2.8, metrics={"stand_time_s": start + 1.4}, faults=faults))
    return out


def track(duration_s: float, fps: float = 30.0, found: float = 1.0):
    ts = np.arange(0.0, duration_s, 1.0 / fps)
    person = np.ones(len(ts), bool)
    person[: int(len(ts) * (1 - found))] = False
    return ts, person


def score(test, reps, duration_s, ts, found, **kw):
    return vt.score_test(test, reps, duration_s, timestamps_s=ts, person_found=found, **kw)


def test_good_recording_is_scored_with_its_timing_uncertainty():
    ts, found = track(20.0)
    r = score("five-times-sts", stands(5), 20.0, ts, found, age=72)
    assert r.value == pytest.approx(14.8) and r.trust == "ok" and not r.cannot_score
    assert r.timing_uncertainty_s == pytest.approx(2 / 30, abs=1e-3)  # start and end, one frame each
    assert "±0.07 s" in r.trust_text


def test_nobody_in_the_video_is_not_scored_as_zero_stands():
    ts, found = track(35.0, found=0.0)
    r = score("chair-stand-30s", [], 35.0, ts, found, age=72, sex="f")
    assert r.value is None and "nobody was found" in r.cannot_score and "cannot_score" in r.flags
    assert r.interpretation.startswith("Cannot score: nobody")


def test_five_fps_is_too_coarse_for_the_five_times_sit_to_stand():
    ts, found = track(20.0, fps=5.0)
    r = score("five-times-sts", stands(5), 20.0, ts, found, age=72)
    assert r.value is None and "5 frames per second" in r.cannot_score and "at least 15" in r.cannot_score


def test_timestamps_that_jump_an_hour_are_not_a_fall_risk_time():
    ts, found = track(20.0)
    ts = np.where(ts > 8.0, ts + 3600.0, ts)  # the container clock jumps
    reps = stands(4) + [Rep(5, 3600.0 + 12.0, 3600.0 + 15.0, metrics={"stand_time_s": 3613.0})]
    r = score("five-times-sts", reps, ts[-1], ts, found, age=72)
    assert r.value is None and "jump by 3600.0 s" in r.cannot_score and "fall_risk" not in r.flags


def test_truncated_recording_is_not_a_full_thirty_second_test():
    ts, found = track(20.0)
    r = score("chair-stand-30s", stands(6), 20.0, ts, found, age=72, sex="f")
    assert r.value is None and "ends 19.0 s after the start" in r.cannot_score and "needs 30 s" in r.cannot_score


def test_person_lost_for_part_of_the_test():
    ts, found = track(34.0)
    found[(ts > 10) & (ts < 14)] = False
    r = score("chair-stand-30s", stands(9), 34.0, ts, found, age=72, sex="f")
    assert r.value is None and "not seen for 4.0 s" in r.cannot_score


def test_rotated_video_is_not_scored():
    ts, found = track(20.0)
    r = score("five-times-sts", stands(5), 20.0, ts, found, orientation_problem="the video appears upside down")
    assert r.value is None and r.cannot_score == "the video appears upside down"


def test_without_frame_times_the_trust_is_low():
    r = vt.score_test("calf-raise-30s", stands(12, every_s=2.0), 32.0)
    assert r.value == 12 and r.trust == "low" and r.timing_uncertainty_s is None


def test_arms_used_to_push_up():
    """5xSTS: needing the arms fails the test (no time, flagged). Chair stand: only unassisted stands count."""
    ts, found = track(20.0)
    failed = score("five-times-sts", stands(5, hands=(3,)), 20.0, ts, found, age=72)
    assert failed.value is None and {"used_hands", "failed_protocol"} <= set(failed.flags)
    assert not failed.cannot_score and failed.details["time_s"] == pytest.approx(14.8)
    ts, found = track(34.0)
    chair = score("chair-stand-30s", stands(10, hands=(2, 5)), 34.0, ts, found, age=72, sex="f")
    assert chair.value == 8 and "used_hands" in chair.flags and chair.details["assisted_stands"] == 2
    assert "2 stand(s) pushed up with the hands were not counted" in chair.interpretation


def test_one_vocabulary():
    assert vt.TEST_IDS == ("chair-stand-30s", "five-times-sts", "functional-reach", "calf-raise-30s", "timed-up-and-go",
                           "gait-speed")
    for old, new in (("30s-chair-stand", "chair-stand-30s"), ("five_times_sts", "five-times-sts"),
                     ("5x-sit-to-stand", "five-times-sts"), ("30s-calf-raise", "calf-raise-30s")):
        assert vt.canonical_test_id(old) == new
        assert vt.TestResult(old, 1.0, "s").test == new
    with pytest.raises(ValueError, match="unknown test 'hop'"):
        vt.canonical_test_id("hop")
    r = vt.interpret("chair-stand-30s", 9, 72, "f")
    assert vt.TestResult.from_dict(r.to_dict()) == r


def _upright_series(n=40, rotate=None) -> PoseSeries:
    img = np.zeros((n, 33, 4))
    img[:, :, 3] = 1.0
    img[:, [11, 12], 0], img[:, [11, 12], 1] = [[0.45, 0.55]], 0.3   # shoulders
    img[:, [23, 24], 0], img[:, [23, 24], 1] = [[0.46, 0.54]], 0.55  # hips
    if rotate == 90:  # image turned 90 degrees clockwise: (x, y) -> (1 - y, x)
        x, y = img[:, :, 0].copy(), img[:, :, 1].copy()
        img[:, :, 0], img[:, :, 1] = 1 - y, x
    elif rotate == 180:
        img[:, :, 0], img[:, :, 1] = 1 - img[:, :, 0], 1 - img[:, :, 1]
    return PoseSeries(np.arange(n) / 30.0, img, np.zeros((n, 33, 3)), (480, 480))


def test_body_orientation():
    assert body_orientation(_upright_series()) == "upright"
    assert body_orientation(_upright_series(rotate=90)) == "sideways"
    assert body_orientation(_upright_series(rotate=180)) == "upside_down"
