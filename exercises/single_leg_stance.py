"""Single-leg stance (standing on one leg), any view that sees the feet: a timed hold.

The hold runs from the moment the free foot leaves the floor until it is back on it, as long as
the standing foot stays put and the trunk stays within its limit (``exercises.holds``). A foot is
"up" by its own floor level (``exercises.holds``: where it stood when both feet last stood still,
and its lowest positions since), in the person's shank lengths, so the camera's perspective (the
near foot sits lower in the picture) does not matter. The hold starts once the foot is clearly up
(``foot_up_shank``) and is timed from when it left the floor (``foot_contact_shank``); it ends
when it touches down, or stands still just above the floor level (a foot put down a little
further from the camera reads so).
Which leg: the standing leg (``side`` left/right restricts it; auto finds it).

Known limit (perspective): seen from the front, a foot that stepped toward the camera and came
back reads as lifted until the person has stood still on both feet for ``FLOOR_RESET_S``; the
step back after a forward loss-of-balance step can open a hold (it follows the balance-loss
event the physio sees). From the side, a purely sideways step moves toward or away from the camera
and is not seen as a step.

CLINICAL.md has no norms or protocol values for single-leg stance; the thresholds are screening
defaults with their reasons.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exercises.counting import SignalScale
from exercises.holds import SIDES, HoldExercise, HoldParams, Reading, _Attempt
from exercises.phases import PhaseConfig
from exercises.spec import ExerciseSpec, HoldWords, SetupNeeds, param


@dataclass(frozen=True)
class SingleLegStanceParams(HoldParams):
    """CLINICAL.md has no norms for single-leg stance; screening defaults."""

    foot_up_shank: float = param(0.1, "shank lengths", "the free ankle ~4 cm above its floor level: clearly "
                                 "lifted, not a weight shift (starts the hold)", bounds=(0.03, 0.6))
    foot_contact_shank: float = param(0.05, "shank lengths", "under ~2 cm above its floor level the foot is "
                                      "on the floor: the hold is timed from leaving it to touching it again", bounds=(0.01, 0.3))
    planted_still_s: float = param(0.3, "s", "a free foot standing still under foot_up_shank this long is down "
                                   "(a foot put down a little nearer or further from the camera reads slightly up)", bounds=(0.05, 2))
    down_share_of_hold: float = param(0.25, "share of the held height", "a free foot back under a quarter of the "
                                      "height it was held at has been put down (relative to the person's own hold, "
                                      "so a foot put down a little further from the camera, reading slightly up, "
                                      "still ends the hold where it came down)", bounds=(0.05, 0.9))
    standing_foot_up_shank: float = param(0.1, "shank lengths", "the standing foot itself more than ~4 cm above its "
                                          "floor level: it is off the floor, no stance on it", bounds=(0.02, 0.6))


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


class SingleLegStance(HoldExercise):
    position = "a one-leg stand (a foot clearly off the floor)"

    def _stance_choices(self) -> tuple[str, ...]:
        return (self.side,) if self.side in SIDES else SIDES

    def posture_ok(self, r: Reading) -> tuple[bool, str]:
        p = self.params
        holding = self._attempt is not None
        for stance in self._stance_choices():
            free = _other(stance)
            lift, down = r.lift[free], r.lift[stance]
            if down > p.standing_foot_up_shank:
                continue  # the standing foot itself is off the floor
            if holding and stance == self._attempt.leg and lift >= p.foot_contact_shank:
                if lift < self._down_level(self._attempt, free) or (lift < p.foot_up_shank and self._still_low(free)):
                    break  # put down where the perspective makes the floor read a little higher
                return True, stance
            if not holding and lift >= p.foot_up_shank:
                return True, stance
        return False, self._attempt.leg if holding else ""

    def _still_low(self, free: str) -> bool:
        """The free foot has stood still, under ``foot_up_shank``, for ``planted_still_s``: it is
        on the floor (a foot held up is held higher, and sways)."""
        p = self.params
        recent = [h for h in self._history if h.t >= self._history[-1].t - p.planted_still_s]
        return (len(recent) >= 2 and recent[-1].t - recent[0].t >= p.planted_still_s * 0.9
                and all(h.speed[free] < p.still_speed_shank_s and h.lift[free] < p.foot_up_shank for h in recent))

    def _down_level(self, attempt: _Attempt, free: str) -> float:
        """Under this lift the free foot is down: the contact level, or a share of the height it
        was held at (its median while clearly up), whichever is higher."""
        held = [h.lift[free] for h in attempt.readings if h.lift[free] >= self.params.foot_up_shank]
        level = self.params.down_share_of_hold * float(np.median(held)) if held else 0.0
        return max(self.params.foot_contact_shank, level)

    def end_time(self, attempt: _Attempt, broke_at: float) -> float:
        """Touched down (the first frame under the down level). Found standing still just above
        it: where it came down, i.e. the first frame after it was last clearly up (the lift
        through a running median of three, so one noisy frame neither ends nor extends it)."""
        free = _other(attempt.leg)
        broken = [h for h in attempt.readings if h.t >= broke_at - 1e-9]
        if not broken or broken[0].lift[free] < self._down_level(attempt, free):
            return broke_at
        return self._came_down(attempt, free, broke_at)

    def _came_down(self, attempt: _Attempt, free: str, before: float) -> float:
        readings = [h for h in attempt.readings if h.t <= before + 1e-9]
        lifts = [h.lift[free] for h in readings]
        smooth = [sorted(lifts[max(i - 1, 0):i + 2])[len(lifts[max(i - 1, 0):i + 2]) // 2] for i in range(len(lifts))]
        up = [i for i, v in enumerate(smooth) if v >= self.params.foot_up_shank]
        if not up or up[-1] + 1 >= len(readings):
            return max(before, attempt.start_s)
        return max(readings[up[-1] + 1].t, attempt.start_s)

    def ended_before_the_recording(self, attempt: _Attempt) -> float | None:
        """The free foot came back under ``foot_up_shank`` and stayed there to the last frame:
        it was on its way down or down (a held foot is held higher), but the recording stopped
        before that was confirmed. The hold ended where it touched down (or came under)."""
        free = _other(attempt.leg)
        low = []
        for h in reversed(attempt.readings):
            if h.lift[free] >= self.params.foot_up_shank:
                break
            low.append(h)
        if not low or len(low) == len(attempt.readings):
            return None
        low.reverse()
        down = self._down_level(attempt, free)
        touched = next((h.t for h in low if h.lift[free] < down), None)
        return touched if touched is not None else self._came_down(attempt, free, attempt.readings[-1].t)

    def planted(self, leg: str) -> tuple[str, ...]:
        return (leg,)

    def start_time(self, leg: str, since: float) -> float:
        """Back to the last frame the free foot was still on the floor (it left right after)."""
        free = _other(leg)
        start = since
        for h in reversed(self._history):
            if h.t > since:
                continue
            if h.lift[free] < self.params.foot_contact_shank:
                return h.t
            start = h.t
        return start



SPEC = ExerciseSpec(
    name="single-leg-stance",
    label="Standing on one leg",
    machine=SingleLegStance,
    params=SingleLegStanceParams,
    scale=SignalScale("shank lengths", 0.1, 0.5),  # not used to count: holds are timed (exercises.holds)
    phases=PhaseConfig(),
    count_on="hold",
    incomplete_fault="",
    faults=(),
    setup=SetupNeeds(parts=("trunk", "legs", "feet"), view="any", min_height_share=0.35,
                     reminders=("Stand next to a sturdy chair or counter you can hold if you need to.",)),
    equipment="A sturdy chair or kitchen counter within reach for support",
    steps=("Stand tall next to your support, a hand ready to hold it.",
           "Lift one foot off the floor and hold still.",
           "Put the foot down whenever you need to: safety first."),
    variants=("with support", "light touch", "no support", "eyes closed"),
    default_variant="with support",
    synth_script="single_leg_stance",
    sided=True,
    limb="leg",
    key_measure="hold_s",
    key_unit="s",
    rep_noun=("hold", "holds"),
    said_as="stand on one leg", amplitude_metric="", motion_family=None,
    hold_words=HoldWords("Foot down.", "Your standing foot moved.", "Foot down when ready."))
