"""Stepping (marching) in place: one knee up, the foot down, then the other; each step one rep of its
leg (``rep.side``), ideally to a metronome's beat.

Parkinson's: rhythmic cueing for gait and against freezing; stroke: stepping practice against toe
drag. The counting signal is how much higher one knee is than the other, in thigh lengths, split by
side like a head turn's yaw: ``left`` is the left knee's lead, ``right`` the right's. Between two
steps the knees pass level (both feet near the floor), so every step starts and ends at the
person's own rest, however quickly the next follows, and a weak leg is counted against its own
usual lift, not the strong leg's. Each knee's height is read against its own hip (a pelvis that
hikes or drops moves both) in lengths of its own thigh, learned while that thigh is upright (the far
leg of a side view is smaller in the picture).

Rep metrics: ``knee_lift_deg``, the angle between the two thighs at the top (hip flexion of the
lifted leg against the standing one, in 3D); ``step_time_s``. A step whose lift stays under ``target_lift_deg`` is counted
(the person's own range decides) and labelled ``low_step``. Cadence, the beat and "Bigger!" come
from ``exercises.pacing`` (``amplitude_metric``).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, RepContext, RepExercise
from exercises.measures import per_side
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param

SIDES = ("left", "right")
HIP_KNEE = {side: (L[f"{side.upper()}_HIP"], L[f"{side.upper()}_KNEE"]) for side in SIDES}


@dataclass(frozen=True)
class SteppingParams(Params):
    target_lift_deg: float = param(
        30.0, "deg of hip flexion", "a step whose thigh rises less than this is labelled low_step (still counted: "
        "the person's own range decides). Marching practice asks for ~45-60 deg, but seen from the front the pose "
        "model reads hip flexion low (a rendered 60 deg march read 32-56 deg), so the default flags only clearly "
        "low steps; a physio who films from the side may raise it", bounds=(15, 90))
    freeze_gap_share: float = param(
        2.0, "times the usual step interval", "a pause between two steps this much longer than the person's "
        "usual interval is a freeze (a cadence collapse), shown to the physio with its moment", bounds=(1.3, 10))
    freeze_min_s: float = param(
        1.0, "s", "... and at least this much longer: a missed beat at a slow cadence is not a freeze", bounds=(0.3, 10))
    freeze_min_steps: float = param(
        4, "steps", "a usual interval needs a few steps before a pause can be judged against it", bounds=(3, 20))
    onset_share: float = param(
        0.1, "share of the step's top lead", "the step starts when the knee leaves its level with the other: "
        "the last moment before the top under this share of it (the metronome judges this moment)", bounds=(0.02, 0.5))


def thigh_vector(pose: PoseFrame, side: str) -> np.ndarray | None:
    """Hip to knee in the pose model's 3D landmarks (metres, y down): no perspective, so a knee
    coming toward a front camera reads as high as one seen from the side."""
    if pose.world is None:
        return None
    hip, knee = (pose.world[int(p)] for p in HIP_KNEE[side])
    v = np.asarray(knee - hip, dtype=float)
    return v if np.all(np.isfinite(v)) and np.linalg.norm(v) > 1e-6 else None


@dataclass(frozen=True)
class Freeze:
    """A pause in stepping much longer than the person's usual interval (a cadence collapse).

    Whether the legs trembled in place meanwhile (festination) is not told: the pose smoothing that
    steadies every count takes out knee bobs of 3 a second and more."""

    start_s: float  # when the next step was due
    end_s: float  # the next step's onset

    def words(self) -> str:
        return f"Freezing at {self.start_s:.1f} s: {self.end_s - self.start_s:.1f} s without a step"


def freezes(reps, params: SteppingParams) -> list[Freeze]:
    """Freezes between counted steps, judged against the person's own usual interval."""
    onsets = sorted(r.start_s for r in reps if r.counted)
    if len(onsets) < params.freeze_min_steps:
        return []
    gaps = np.diff(onsets)
    usual = float(np.median(gaps))
    return [Freeze(round(a + usual, 2), round(b, 2)) for a, b, gap in zip(onsets, onsets[1:], gaps)
            if gap >= params.freeze_gap_share * usual and gap - usual >= params.freeze_min_s]


class Stepping(RepExercise):
    phase_names = {WAITING: "waiting", REST: "feet down", OUT: "knee up", TARGET: "top", BACK: "foot down"}
    side_names = SIDES
    measure_names = (*per_side("drop", "lead", fmt="{side}_{stem}"), "knee_lift_deg")

    def landmark_sets(self):
        return [tuple(p for side in SIDES for p in HIP_KNEE[side])]

    def measure(self, pose: PoseFrame, view: str):
        thighs = {side: thigh_vector(pose, side) for side in SIDES}
        if any(v is None for v in thighs.values()):
            return float("nan"), self.new_measures()
        values = self.new_measures()
        for side, v in thighs.items():
            values[f"{side}_drop"] = float(v[1] / np.linalg.norm(v))  # 1: thigh upright, 0: level
        lead = values["right_drop"] - values["left_drop"]  # > 0: the left knee is the higher one
        values["left_lead"], values["right_lead"] = max(lead, 0.0), max(-lead, 0.0)
        # Hip flexion of the higher knee against the other thigh (upright while it stands on it):
        # the camera's own tilt is in both and drops out.
        a, b = thighs["left"], thighs["right"]
        cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
        values["knee_lift_deg"] = float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))
        return values["knee_lift_deg"] / self.params.target_lift_deg, values

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {side: values[f"{side}_lead"] for side in SIDES if f"{side}_lead" in values}

    def _lifted(self, ctx: RepContext) -> str:
        return ctx.sides[0] if len(ctx.sides) == 1 else max(SIDES, key=lambda s: ctx.extreme(f"{s}_lead", "max")[1])

    def refine_start(self, ctx: RepContext) -> float:
        """The step begins when the knee starts to rise: the last moment before its top that its lead
        was under ``onset_share`` of the top (the beat is judged against this moment)."""
        side = self._lifted(ctx)
        peak_t, peak = ctx.extreme(f"{side}_lead", "max", t1=ctx.end_s)
        t, v = ctx.series(f"{side}_lead", t1=peak_t)
        level = self.params.onset_share * peak
        low = np.flatnonzero(v <= level)
        if not np.isfinite(peak) or not len(low):
            return ctx.start_s
        i = int(low[-1])
        if i + 1 >= len(v) or v[i + 1] <= v[i]:
            return float(t[i])
        # Where the lead crossed the level between the two samples around it: frames dropped by a
        # busy machine (or a slow camera) do not move the onset by a whole frame gap.
        return float(t[i] + (level - v[i]) / (v[i + 1] - v[i]) * (t[i + 1] - t[i]))

    def freezes(self) -> list[Freeze]:
        return freezes(self.reps, self.params)

    def diagnosis(self) -> list[str]:
        """The counting notes, then each freeze with its moment (for the physio's review)."""
        return super().diagnosis() + [f.words() for f in self.freezes()]

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        _, lift = ctx.extreme("knee_lift_deg", "max")
        return {"knee_lift_deg": lift, "step_time_s": ctx.end_s - ctx.start_s}


SPEC = ExerciseSpec(
    name="stepping", label="Marching in place", machine=Stepping, params=SteppingParams,
    # One knee's lead over the other, in thigh lengths: hip flexion of 16 deg lifts the knee ~0.04,
    # 30 deg ~0.13, 45 deg ~0.3, 60 deg ~0.5. Under 0.04 is a weight shift or jitter, never a step.
    # The live prior is a small step (a Parkinson's shuffle lifts the thigh 20-30 deg): a larger
    # one would leave such a patient's steps uncounted until the levels could never learn them.
    scale=SignalScale("thigh lengths", min_range=0.04, expected_range=0.12),
    # Steps follow each other with no pause (the knees pass level for an instant) and last ~0.5 s
    # at a brisk 120 steps a minute, of which the part above the start band may be under 0.2 s.
    phases=replace(RELATIVE_PHASES, start=0.3, rest=0.25, attempt_min=0.3, min_rep_s=0.12),
    count_on="end", incomplete_fault="low_step", faults=("low_step",),
    setup=SetupNeeds(("trunk", "legs", "feet"), "front", min_height_share=0.35,
                     reminders=("Stand beside a counter or a sturdy chair you can hold.",)),
    equipment="A kitchen counter or a sturdy chair beside you to hold",
    steps=("Stand tall beside a counter you can hold.",
           "Lift one knee, put that foot down, then lift the other: marching on the spot.",
           "Keep to the beat when you hear one."),
    variants=("holding on", "hands free", "to a beat", "high knees"), default_variant="holding on",
    synth_script="stepping", sided=True, limb="leg", key_measure="knee_lift_deg", key_unit="deg",
    rep_noun=("step", "steps"), said_as="steps in place", amplitude_metric="knee_lift_deg", motion_family="legs")
