"""Rendered-clip fault table: synthetic clips that go through MediaPipe (see test_rendered_faults).

Each entry: name -> (ClipSpec, side passed to the exercise, expected fault codes per true rep).
Rep 1 is always clean so per-person baselines have something to compare with. Clips are short
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
    "heel_front": (_spec("heel-raise", "front", {2: ("heel_low",), 3: ("asymmetry",)}, seed=4), "both",
                   [set(), {"heel_low"}, {"asymmetry"}]),
    "heel_side": (_spec("heel-raise", "side", {2: ("knee_bend",), 3: ("no_control",)}, seed=17), "both",
                  [set(), {"knee_bend"}, {"no_control"}]),
    "heel_side_knee": (_spec("heel-raise", "side", {2: ("heel_low",), 3: ("knee_bend",)}, seed=22), "both",
                       [set(), {"heel_low"}, {"knee_bend"}]),
    "reach_side": (_spec("reach", "side", {2: ("trunk_compensation",), 3: ("stepping",)}, seed=18, side="right"),
                   "right", [set(), {"trunk_compensation"}, {"stepping"}]),
    "arm_front_hike": (_spec("arm-raise", "front", {2: ("shoulder_hike",)}, seed=19, arm_mode="abduction"),
                       "both", [set(), {"shoulder_hike"}, set()]),
    "arm_front_elbow": (_spec("arm-raise", "front", {2: ("elbow_bent",)}, reps=2, seed=21, arm_mode="abduction"),
                        "both", [set(), {"elbow_bent"}]),
    "arm_front_b": (_spec("arm-raise", "front", {2: ("asymmetry",), 3: ("trunk_lean",)}, seed=20,
                          arm_mode="abduction"), "both", [set(), {"asymmetry"}, {"trunk_lean"}]),
}

# Cases that fail on the rendered figure for a measured reason (see test_rendered_faults): kept in
# the table as strict xfails so a fix shows up, never loosened to pass.
KNOWN_WEAK: dict[str, str] = {
    "arm_front_elbow": "elbow bent 50 deg (elbow 130 deg) is not seen facing the camera: MediaPipe reads "
                       "elbow extension ~165 deg on the bent rep, the same as on clean reps (limit 150)",
}
