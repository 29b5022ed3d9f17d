"""Rendered-clip fault table: synthetic clips that go through MediaPipe (see test_rendered_faults).

Each entry: name -> (ClipSpec, side passed to the exercise, expected fault codes per true rep, or
None where only the count and the rep times are checked).
Rep 1 is clean so per-person baselines have something to compare with, except where a fault
is on every rep (a patient whose every raise is low: counted, each labelled). Clips are short
(3 reps, 480x360, 25 fps) so the whole table renders and runs in a few minutes on 2 cores.
"""
from __future__ import annotations

from coach.synth import ClipSpec


def _spec(exercise: str, view: str, faults: dict[int, tuple[str, ...]], reps: int = 3, seed: int = 0, **kw) -> ClipSpec:
    return ClipSpec(exercise=exercise, view=view, reps=reps, fps=25, size=(480, 360), seed=seed, faults=faults,
                    start_rest_s=2.0, end_rest_s=1.0, **kw)


SPECS: dict[str, tuple[ClipSpec, str, list[set[str]]]] = {
    "sts_side_trunk": (_spec("sit-to-stand", "side", {3: ("trunk_flexion",)}, seed=11), "both",
                       [set(), set(), {"trunk_flexion"}]),
    "sts_side_hands": (_spec("sit-to-stand", "side", {2: ("hands_on_thighs",)}, seed=12), "both",
                       [set(), {"hands_on_thighs"}, set()]),
    "sts_side_sit": (_spec("sit-to-stand", "side", {2: ("uncontrolled_sit",)}, seed=13), "both",
                     [set(), {"uncontrolled_sit"}, set()]),
    "sts_front_shift": (_spec("sit-to-stand", "front", {2: ("lateral_shift",)}, seed=14), "both",
                        [set(), {"lateral_shift"}, set()]),
    "squat_side_trunk": (_spec("squat", "side", {2: ("trunk_flexion",)}, seed=15), "both",
                         [set(), {"trunk_flexion"}, set()]),
    "squat_front_valgus": (_spec("squat", "front", {2: ("knee_valgus",)}, seed=16), "both",
                           [set(), {"knee_valgus"}, set()]),
    # Counting is relative to the person's own raises: a low raise among full ones is an uncounted
    # attempt (still labelled heel_low); a patient whose every raise is low has them counted.
    "heel_front": (_spec("heel-raise", "front", {2: ("heel_low",), 3: ("asymmetry",)}, seed=4), "both",
                   [set(), {"asymmetry"}]),
    "heel_front_all_low": (_spec("heel-raise", "front", {i: ("heel_low",) for i in (1, 2, 3)}, seed=4), "both",
                           [{"heel_low"}, {"heel_low"}, {"heel_low"}]),
    "heel_side": (_spec("heel-raise", "side", {3: ("no_control",)}, seed=17), "both",
                  [set(), set(), {"no_control"}]),
    "heel_side_knee": (_spec("heel-raise", "side", {i: ("knee_bend",) for i in (1, 2, 3)}, seed=22), "both",
                       [{"knee_bend"}, {"knee_bend"}, {"knee_bend"}]),
    "reach_side": (_spec("reach", "side", {2: ("trunk_compensation",), 3: ("stepping",)}, seed=18, side="right"),
                   "right", [set(), {"trunk_compensation"}, {"stepping"}]),
    "arm_front_hike": (_spec("arm-raise", "front", {2: ("shoulder_hike",)}, seed=19, arm_mode="abduction"),
                       "both", [set(), {"shoulder_hike"}, set()]),
    "arm_front_elbow": (_spec("arm-raise", "front", {2: ("elbow_bent",)}, reps=2, seed=21, arm_mode="abduction"),
                        "both", [set(), {"elbow_bent"}]),
    "arm_front_b": (_spec("arm-raise", "front", {2: ("asymmetry",), 3: ("trunk_lean",)}, seed=20,
                          arm_mode="abduction"), "both", [set(), {"asymmetry"}, {"trunk_lean"}]),
    # Harder pictures: clothes nearly the colour of the wall (the pose model loses the figure now
    # and then from the side), and a figure so large that head and raised hands leave the frame.
    # Counts only (None): form checks are not expected to hold on these pictures.
    "sts_side_camouflage": (_spec("sit-to-stand", "side", {}, partial_reps=(2,), seed=31, camouflage=0.85), "auto",
                            None),
    "arm_front_cut_off_one_arm": (_spec("arm-raise", "front", {}, seed=32, arm_mode="abduction", side="left",
                                        figure_scale=0.95), "auto", None),
}

# Cases that fail on the rendered figure for a measured reason (see test_rendered_faults): kept in
# the table as strict xfails so a fix shows up, never loosened to pass.
KNOWN_WEAK: dict[str, str] = {
    # Heel raises on the rendered figure at 480x360: MediaPipe shows 30-50% of the heel lift in a
    # front view, so the knee-height signal moves only ~0.03 shank (the jitter floor is ~0.01).
    "heel_front": "a 40% raise among full ones reads ~0.7 of the person's range (counted, heel_low) and the "
                  "asymmetric raise is split at its top; on real clips the same signal counts 9/9",
    "arm_front_cut_off_one_arm": "the raised hand and elbow leave the top of the frame: MediaPipe then places the "
                                 "arm hanging (elbow visibility 0.9 -> 0.4) for ~0.8 s before it reappears "
                                 "overhead, so each raise reads as two; the set-up check asks for the hands in view",
    "arm_front_elbow": "elbow bent 50 deg (elbow 130 deg) is not seen facing the camera: MediaPipe reads "
                       "elbow extension ~165 deg on the bent rep, the same as on clean reps (limit 150)",
}
