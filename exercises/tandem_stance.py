"""Tandem stance (heel to toe) and its variant feet together: a timed hold (``exercises.holds``).

What the camera can tell: from the front, how narrow the base is (the ankles' sideways gap), which
is what both forms share; from the side, how far one foot is ahead of the other, which only
tandem has (feet together look like ordinary standing from the side). The hold starts when the
position is taken and both feet are still, and ends (dated back to the last moment both feet were
still) when a foot moves off or the base widens. Which leg: the foot in front (tandem,
side view: the one further in the direction the nose points; front view: the one lower in the
picture, i.e. nearer the camera).

CLINICAL.md has no norms for tandem stance or feet together; the thresholds are screening
defaults with their reasons.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach.pose.landmarks import Landmark as L
from coach.views import SIDE
from exercises.counting import SignalScale
from exercises.holds import SIDES, HoldExercise, HoldParams, Reading, _Attempt
from exercises.phases import PhaseConfig
from exercises.spec import ExerciseSpec, HoldWords, SetupNeeds, param


@dataclass(frozen=True)
class TandemStanceParams(HoldParams):
    """CLINICAL.md has no norms for tandem stance; screening defaults."""

    narrow_base_shank: float = param(0.35, "shank lengths", "front view: ankles under ~15 cm apart sideways "
                                     "(hip-width standing is ~30 cm): a narrow base (tandem or feet together)", bounds=(0.1, 1))
    tandem_gap_shank: float = param(0.4, "shank lengths", "side view: one ankle ~17 cm or more ahead of the "
                                    "other (heel to toe puts it a foot length, ~26 cm, ahead)", bounds=(0.1, 1.5))


class TandemStance(HoldExercise):
    position = "a narrow stance (feet heel to toe, or together)"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._facing = 0.0  # side view: +1 the nose points to the picture's right, -1 left
        self._pose_xy = None

    def update(self, pose):
        if pose.has_person:
            xy = pose.xy_px
            ears = (xy[int(L.LEFT_EAR)][0] + xy[int(L.RIGHT_EAR)][0]) / 2
            d = xy[int(L.NOSE)][0] - ears
            if np.isfinite(d) and abs(d) > 1e-6:
                self._facing = float(np.sign(d))
        return super().update(pose)

    def posture_ok(self, r: Reading) -> tuple[bool, str]:
        p = self.params
        dx = (r.ankle["left"][0] - r.ankle["right"][0]) / r.shank_px
        holding = self._attempt is not None
        # Both feet still: placed (a stepping foot is never still in the air). Not "on the floor"
        # by height: a foot placed nearer or further from the camera sits lower or higher in the
        # picture by perspective alone.
        still = holding or all(r.speed[s] < p.still_speed_shank_s for s in SIDES)
        if r.view == SIDE:
            ok = abs(dx) >= p.tandem_gap_shank
            lead = ("left" if dx * self._facing > 0 else "right") if self._facing else ""
        else:  # front (or not yet known): the base's width
            ok = abs(dx) <= p.narrow_base_shank
            lead = "left" if r.ankle["left"][1] > r.ankle["right"][1] else "right"
        if holding:
            return ok, self._attempt.leg
        return (ok and still), lead

    def end_time(self, attempt: _Attempt, broke_at: float) -> float:
        """Back to the last reading both feet were still (speed over ``SPEED_WINDOW_S``)."""
        for r in reversed(attempt.readings):
            if r.t < broke_at and all(r.speed[s] < self.params.still_speed_shank_s for s in SIDES):
                return r.t
        return broke_at


SPEC = ExerciseSpec(
    name="tandem-stance",
    label="Tandem stance",
    machine=TandemStance,
    params=TandemStanceParams,
    scale=SignalScale("shank lengths", 0.1, 0.5),  # not used to count: holds are timed (exercises.holds)
    phases=PhaseConfig(),
    count_on="hold",
    incomplete_fault="",
    faults=(),
    setup=SetupNeeds(parts=("trunk", "legs", "feet"), view="front", min_height_share=0.35,
                     reminders=("Stand in a corner or next to a counter you can hold if you need to.",)),
    equipment="A corner of the room or a kitchen counter within reach for support",
    steps=("Stand next to your support.",
           "Put one foot right in front of the other, heel to toes.",
           "Hold still, looking ahead; hold on if you wobble."),
    variants=("feet together", "semi-tandem", "tandem", "tandem eyes closed"),
    default_variant="feet together",
    synth_script="tandem_stance",
    sided=True,
    limb="leg",
    key_measure="hold_s",
    key_unit="s",
    rep_noun=("hold", "holds"),
    said_as="heel-to-toe stand", amplitude_metric="", motion_family=None,
    hold_words=HoldWords("Feet moved out of line.", "You stepped out of line.", "Relax when ready."))
