"""Dev helper: run the exercises on synthetic clips (true landmarks) and compare with the truth.

python -m tests.exercises.run_synth
"""
from __future__ import annotations

from coach.smoothing import PoseSmoother
from coach.synth import ClipSpec, generate
from exercises import create_exercise


def run_clip(spec: ClipSpec, smooth: bool = True):
    clip = generate(spec)
    ex = create_exercise(spec.exercise, side=spec.side)
    smoother = PoseSmoother()
    for pose in clip.poses:
        ex.update(smoother.apply(pose) if smooth else pose)
    ex.finish(clip.poses[-1].timestamp_s)
    return clip, ex


SPECS = [
    ClipSpec(exercise=e, view=v, reps=4, partial_reps=p, faults=f, seed=i, **kw)
    for i, (e, v, p, f, kw) in enumerate([
        ("sit-to-stand", "side", (), {}, {}),
        ("sit-to-stand", "front", (), {}, {}),
        ("sit-to-stand", "side", (3,), {2: ("trunk_flexion",)}, {}),
        ("sit-to-stand", "side", (), {1: ("hands_on_thighs",), 3: ("uncontrolled_sit",)}, {}),
        ("sit-to-stand", "front", (), {2: ("lateral_shift",), 4: ("knee_valgus",)}, {}),
        ("squat", "side", (2,), {}, {}),
        ("squat", "front", (), {3: ("knee_valgus",)}, {}),
        ("heel-raise", "side", (), {}, {}),
        ("heel-raise", "front", (2,), {3: ("knee_bend",)}, {}),
        ("heel-raise", "side", (), {1: ("heel_low",), 2: ("no_control",), 4: ("trunk_sway",)}, {}),
        ("heel-raise", "front", (), {2: ("asymmetry",)}, {}),
        ("arm-raise", "front", (), {}, {"arm_mode": "abduction"}),
        ("arm-raise", "side", (2,), {}, {}),
        ("arm-raise", "front", (), {1: ("shoulder_hike",), 3: ("elbow_bent",), 4: ("asymmetry",)}, {"arm_mode": "abduction"}),
        ("arm-raise", "side", (), {2: ("trunk_lean",), 3: ("short_range",)}, {}),
        ("reach", "side", (), {}, {}),
        ("reach", "side", (), {1: ("trunk_compensation",), 2: ("elbow_bent",), 3: ("stepping",)}, {}),
        ("reach", "side", (2,), {4: ("short_range",)}, {}),
    ])
]


def main() -> None:
    for spec in SPECS:
        try:
            clip, ex = run_clip(spec)
        except ValueError as err:
            print(f"{spec.exercise} {spec.view}: {err}")
            continue
        counted = [r for r in ex.reps if r.counted]
        truth = clip.truth
        ok = len(counted) == truth.true_reps
        print(f"{spec.exercise:13s} {spec.view:6s} count {len(counted)}/{truth.true_reps} {'OK ' if ok else 'BAD'}")
        for rt in truth.reps:
            match = [r for r in ex.reps if r.start_s - 0.5 <= rt.peak_s <= r.end_s + 0.5]
            got = match[0] if match else None
            found = got.fault_codes if got else None
            mark = "" if got and set(rt.faults) <= set(found) and set(found) - {"incomplete_stand", "shallow_squat", "heel_low", "short_range"} <= set(rt.faults) else "  <--"
            print(f"    truth {rt.index} {rt.start_s:5.2f}-{rt.end_s:5.2f} counted={rt.counted} faults={list(rt.faults)} | "
                  f"got {'-' if not got else f'{got.start_s:5.2f}-{got.end_s:5.2f} counted={got.counted} faults={found} skip={list(got.skipped_checks)}'}{mark}")
        if truth.test_time_s is not None and len(counted) >= 5:
            print(f"    5xSTS truth {truth.test_time_s:.2f}")


if __name__ == "__main__":
    main()
