"""Weight shift side to side (stroke: "weight shift on the affected side"): standing, feet apart, the
pelvis moves sideways over one foot, stays there, comes back to the middle; each shift and return
is one rep of that side (``rep.side``), counted like a head turn per side, relative to this
person's own range (a small shift toward a weak leg is still a rep of that side).

Read from the front only. The pelvis' offset from the feet's midpoint (hip midpoint against ankle
midpoint) across the picture toward the person's left (the camera upright), converted to cm with
the shank's length (picture pixels against metres: the ``height_m`` the physio gives, else the pose
model's 3D lengths, ``exercises.calibration``). A side view looks along that line: the shift is
toward or away from the camera, out of the picture: there it is read from the pose model's 3D
landmarks instead (``world_offset_cm``; exact on the generator's true landmarks, not checked
through the pose model, whose depth from one camera is its weakest axis); the set-up asks for the
front, and a side view that counts nothing says so.

Rep metrics: ``shift_cm``, the pelvis' distance from the feet's midpoint at the side (its 95th
percentile in the rep: one jittery frame does not make the range); ``side_hold_s``, the time from
first coming within ``hold_band_cm`` of that to last leaving it; ``symmetry_pct``, the smaller of
this shift and the other side's latest over the larger (once both sides were seen). A shift under
``target_shift_cm`` is counted and labelled ``short_range``; a hold under ``target_hold_s`` is
labelled ``short_hold``. ``side_summary`` gives each side's range, hold and the symmetry of a set.

CLINICAL.md has no values for weight-shift range; the thresholds are screening defaults for the
physio to set.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.base import Rep
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param

SIDES = ("left", "right")
LEGS = (L.LEFT_HIP, L.RIGHT_HIP, L.LEFT_KNEE, L.RIGHT_KNEE, L.LEFT_ANKLE, L.RIGHT_ANKLE)
# Constants that stay (geometry, not decisions): the feet must be this far apart in the picture,
# in shank lengths, for the line between them to have a direction (a side view has them nearly on
# top of each other); Winter's shank length as a share of standing height; the frames over which
# the shank's picture length is taken (its median: ~1 s).
MIN_FEET_APART_SHANK = 0.2
SHANK_PER_HEIGHT = 0.246
SHANK_FRAMES = 30


@dataclass(frozen=True)
class WeightShiftParams(Params):
    """CLINICAL.md has no values for weight-shift range or hold; screening defaults."""

    target_shift_cm: float = param(
        8.0, "cm", "the pelvis over the standing foot is about half the hip width from the middle (~10-12 cm "
        "for an adult, feet hip-width apart); a shift under this is still counted (the person's own range "
        "decides) and labelled short_range", bounds=(2, 25))
    target_hold_s: float = param(
        3.0, "s", "weight-shift practice holds over the foot a few seconds; a shorter hold is labelled "
        "short_hold (0: no hold asked)", bounds=(0, 30))
    hold_band_cm: float = param(
        1.5, "cm", "still held while the pelvis is within this of its furthest point: a few times the jitter "
        "of the hips in a webcam picture (~1 px is ~0.5 cm at 480 px), so jitter does not end a hold",
        bounds=(0.5, 5))
    height_m: float = param(0.0, "m", "the person's height, for the shift in cm; 0 = from the pose model's "
                            "3D lengths", bounds=(0, 2.5))


class WeightShift(RepExercise):
    phase_names = {WAITING: "waiting", REST: "in the middle", OUT: "shifting", TARGET: "over the foot",
                   BACK: "back to the middle"}
    side_names = SIDES
    measure_names = ("offset_cm", "shift_cm", "left_cm", "right_cm")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shank_px: deque[float] = deque(maxlen=SHANK_FRAMES)

    def landmark_sets(self):
        return [LEGS]

    def cm_per_px(self, shank_px: float) -> float:
        self._shank_px.append(shank_px)
        metres = (self.params.height_m * SHANK_PER_HEIGHT if self.params.height_m > 0
                  else self.calibration.length_m("shank"))
        return metres * 100.0 / float(np.median(self._shank_px))

    def measure(self, pose: PoseFrame, view: str):
        px = pose.xy_px
        hips = (px[int(L.LEFT_HIP)] + px[int(L.RIGHT_HIP)]) / 2
        ankles = (px[int(L.LEFT_ANKLE)] + px[int(L.RIGHT_ANKLE)]) / 2
        # Toward the person's left along the picture's horizontal (its sign from the ankles: a front or
        # a back view). Not along the ankles' own line: one ankle read a few pixels higher tilts that
        # line, and the long hip-to-ankle vertical then leaks into the shift (cm of false shift).
        across = float(px[int(L.LEFT_ANKLE)][0] - px[int(L.RIGHT_ANKLE)][0])
        shank = float(np.mean([np.linalg.norm(px[int(L[f"{s}_KNEE"])] - px[int(L[f"{s}_ANKLE"])]) for s in ("LEFT", "RIGHT")]))
        apart = abs(across)
        values = self.new_measures()
        if view == "side":
            offset = self.world_offset_cm(pose)
            if not np.isfinite(offset):
                return float("nan"), values
            return self._reading(offset, values)
        if not (np.isfinite(shank) and shank > 1e-6 and apart >= MIN_FEET_APART_SHANK * shank):
            return float("nan"), values  # a side view: the feet's line points at the camera
        offset = float(hips[0] - ankles[0]) * np.sign(across) * self.cm_per_px(shank)
        return self._reading(offset, values)

    def _reading(self, offset: float, values):
        values.update({"offset_cm": offset, "shift_cm": abs(offset),
                       "left_cm": max(offset, 0.0), "right_cm": max(-offset, 0.0)})
        return abs(offset) / self.params.target_shift_cm, values

    def world_offset_cm(self, pose: PoseFrame) -> float:
        """The same offset from the pose model's 3D landmarks (a side view, where the picture looks
        along the shift): along the ankles' line, level. Exact on true landmarks; a pose model's depth
        from one camera is its weakest axis, so a side view is not checked on rendered clips."""
        if pose.world is None:
            return float("nan")
        w = pose.world
        across = np.array(w[int(L.LEFT_ANKLE)] - w[int(L.RIGHT_ANKLE)], dtype=float)
        across[1] = 0.0  # level (world y is down)
        shank = self.calibration.length_m("shank")
        if not (np.all(np.isfinite(across)) and np.linalg.norm(across) >= MIN_FEET_APART_SHANK * shank):
            return float("nan")
        hips = (w[int(L.LEFT_HIP)] + w[int(L.RIGHT_HIP)]) / 2
        ankles = (w[int(L.LEFT_ANKLE)] + w[int(L.RIGHT_ANKLE)]) / 2
        scale = self.params.height_m * SHANK_PER_HEIGHT / shank if self.params.height_m > 0 else 1.0
        return float(np.dot(hips - ankles, across / np.linalg.norm(across))) * 100.0 * scale

    def signals(self, values) -> dict[str, float]:
        return {side: values[f"{side}_cm"] for side in SIDES if f"{side}_cm" in values}

    def _shifted(self, ctx: RepContext) -> str:
        return ctx.sides[0] if len(ctx.sides) == 1 else max(SIDES, key=lambda s: ctx.extreme(f"{s}_cm", "max")[1])

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        side = self._shifted(ctx)
        # From the second kept before the rep's start too: live, a first shift's start is seen late
        # (before this person's range is known), after the pelvis may already have arrived.
        t, v = ctx.series(f"{side}_cm", t1=ctx.end_s)
        if not len(v):
            return {}
        shift = float(np.percentile(v, 95))
        held = np.flatnonzero(v >= shift - self.params.hold_band_cm)
        m = {"shift_cm": shift, "side_hold_s": float(t[held[-1]] - t[held[0]]), "duration_s": ctx.end_s - ctx.start_s}
        other = next((r for r in reversed(self._reps) if r.counted and r.side == ("right" if side == "left" else "left")
                      and "shift_cm" in r.metrics), None)
        if other is not None and max(shift, other.metrics["shift_cm"]) > 0:
            m["symmetry_pct"] = 100.0 * min(shift, other.metrics["shift_cm"]) / max(shift, other.metrics["shift_cm"])
        return m

    def checks(self) -> list[Check]:
        return [Check("short_hold", self._short_hold)]

    def _short_hold(self, ctx: RepContext):
        hold, target = ctx.metrics.get("side_hold_s", float("nan")), self.params.target_hold_s
        if target > 0 and np.isfinite(hold) and hold < target:
            return ctx.end_s, f"held {hold:.1f} s of {target:g} s"
        return None

    def diagnosis(self) -> list[str]:
        out = super().diagnosis()
        if not any(r.counted for r in self.reps) and self.views.view == "side":
            out.append("Weight shifts are read from the front: put the camera in front of you, feet in view")
        return out


def side_summary(reps: list[Rep]) -> dict:
    """Each side's counted shifts, mean range (cm) and mean hold (s), and the set's symmetry (%: the
    smaller side's mean range over the larger's; NaN until both sides shifted)."""
    out: dict = {}
    for side in SIDES:
        mine = [r for r in reps if r.counted and r.side == side and "shift_cm" in r.metrics]
        out[side] = {"reps": len(mine),
                     "range_cm": float(np.mean([r.metrics["shift_cm"] for r in mine])) if mine else float("nan"),
                     "hold_s": float(np.mean([r.metrics["side_hold_s"] for r in mine])) if mine else float("nan")}
    a, b = out["left"]["range_cm"], out["right"]["range_cm"]
    out["symmetry_pct"] = 100.0 * min(a, b) / max(a, b) if np.isfinite(a) and np.isfinite(b) and max(a, b) > 0 else float("nan")
    return out


SPEC = ExerciseSpec(
    name="weight-shift", label="Weight shift side to side", machine=WeightShift, params=WeightShiftParams,
    # The pelvis' offset toward one side, in cm. Under 2 cm is standing sway or landmark jitter,
    # never a shift; an adult's pelvis over one foot is ~10 cm (the live prior before their own range).
    scale=SignalScale("cm", min_range=2.0, expected_range=10.0),
    phases=replace(RELATIVE_PHASES, start=0.3, rest=0.25, attempt_min=0.3),
    count_on="end", incomplete_fault="short_range", faults=("short_range", "short_hold"),
    setup=SetupNeeds(("trunk", "legs", "feet"), "front", min_height_share=0.35,
                     reminders=("Stand in front of a counter or beside a sturdy chair you can hold.",)),
    equipment="A kitchen counter or a sturdy chair to hold",
    steps=("Stand tall, feet hip-width apart, holding the counter if you need to.",
           "Move your hips slowly over one foot, keep both feet down, and stay there.",
           "Come back to the middle, then go over the other foot."),
    variants=("holding on", "hands free", "toward the weaker side only", "feet closer together"),
    default_variant="holding on",
    synth_script="weight_shift", sided=True, limb="side", key_measure="shift_cm", key_unit="cm",
    rep_noun=("weight shift", "weight shifts"),
    cues=(("short_range", "Move your hips a little further over your foot"),
          ("short_hold", "Stay over your foot a little longer")),
    fault_words=(("short_range", "your hips did not go very far over that foot"),),
    said_as="weight shifts", amplitude_metric="shift_cm", motion_family=None)
