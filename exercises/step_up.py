"""Step-ups on a low step (a "4-inch step"): one foot up onto the step, the body up onto it over
that leg, the other foot beside it, then both back down; each step-up is one rep of its lead leg
(``rep.side``), the leg that went up first.

Counted on the body's rise: the hips' height over the floor, in shank lengths (the floor and the
shank learned while the person stands at rest), read from the picture, so it works from the
side and from the front (a camera at about hip height, as a laptop on a table is: stepping toward
it barely moves the hips in the picture). A foot set on the step and taken back down lifts no
one: an uncounted attempt (``incomplete_step``). The lead leg is the foot higher than the other
(pose model's 3D landmarks, in thigh lengths) just before the body rises, named from the front
only (from the side the pose model swaps the legs); the rep starts when that foot left the floor.

Faults, each with the view it needs: ``trunk_flexion`` (forward lean beyond
``trunk_flexion_limit_deg``, side view), ``trunk_lean`` (sideways lean beyond
``trunk_lean_limit_deg``, front view), ``knee_valgus`` (the lead knee falls toward the midline
while it lifts the body: its frontal-plane projection angle beyond ``knee_valgus_limit_deg``,
front view), ``hand_support`` (a hand that does not rise with the body held on to something:
a rail, a counter, a thigh; any view). ``incomplete_step``: the body rose less than
``full_rise_share`` of the step (``step_height_cm``, the physio's step).

Rep metrics: ``rise_cm`` (how far the body rose: standing on the step, both feet level, each
frame scaled by its own shank, as the body on a step in front of the camera is nearer it and looks
bigger; a try that never got both feet up: its highest), ``step_up_s``, ``peak_trunk_deg`` (image plane:
forward in a side view, sideways in a front view), ``knee_valgus_deg`` (front view),
``hand_support`` (1 seen, 0 not) and ``alternated`` (1 when the lead leg changed from the
previous step-up, 0 when it did not; absent for the first).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from coach.geometry import trunk_lean_deg
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from coach.views import FRONT
from exercises import lower_body as lb
from exercises.calibration import RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise
from exercises.measures import per_side
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param

SIDES = ("left", "right")
# Body proportion, not a decision: shank length (knee to ankle) of an adult of 1.70 m (Winter's
# tables, 0.246 of height), to say a rise in shank lengths in centimetres.
SHANK_CM = 41.8
# Estimation: the lead leg is read over this long before the body's rise passes UP_SHARE of its
# own range (the lead foot is on the step, the trailing one still down).
LEAD_WINDOW_S = 0.6
UP_SHARE = 0.3
FEET_KEPT_S = 8.0  # s of the feet's history kept: the lead foot's lift, ~1 s before the rise, a whole step-up before the rep closes
FLOOR_BAND = 0.04  # shank lengths (~1.7 cm): still on the floor (landmark jitter), not on a step
# Estimation: standing on the step is both feet level (under half ``lead_foot_thigh`` apart) with the
# body over half its highest rise in this rep (level feet on the floor are at ~0). Not the highest
# frame: through the pose model the hips jump up while the trailing thigh swings up (rendered front
# view: the highest frame read 16.5-20 cm on a 10 cm step, standing on it 12-15).
TOP_SHARE = 0.5


@dataclass(frozen=True)
class StepUpParams(Params):
    step_height_cm: float = param(
        10.0, "cm", "the patient's step (a 4-inch step is ~10 cm); the body rises by it when both feet are up",
        bounds=(5.0, 30.0))
    full_rise_share: float = param(
        0.7, "share of the step height", "the hips rose at least this share of the step: standing on it; a counted "
        "step-up under this (a person's own small range) is labelled incomplete_step", bounds=(0.3, 1.0))
    lead_foot_thigh: float = param(
        0.12, "thigh lengths", "one foot this much higher than the other is on the step (a 10 cm step is ~0.25 "
        "thigh lengths); a rep with no foot ever this far ahead names no lead leg", bounds=(0.05, 0.5))
    onset_share: float = param(
        0.2, "share of the lead foot's highest lift", "the step-up starts when the lead foot leaves the floor: the "
        "last moment before the rise that it was under this share of its lift", bounds=(0.05, 0.5))
    trunk_flexion_limit_deg: float = param(
        30.0, "deg", "stepping up leans the trunk 5-20 deg forward; beyond 30 the trunk swings the body up "
        "instead of the lead leg's hip and knee extensors", bounds=(10.0, 60.0))
    trunk_lean_limit_deg: float = param(
        10.0, "deg", "the trunk leaning sideways over the lead leg by more than 10 deg makes up for weak hip "
        "abductors (a Trendelenburg-like lean)", bounds=(3.0, 30.0))
    knee_valgus_limit_deg: float = param(
        15.0, "deg (frontal-plane projection angle)", "the lead knee falling inward from the hip-ankle line: "
        "healthy step-ups and step-downs stay under ~10-12 deg; 15 leaves room for the camera", bounds=(5.0, 40.0))
    hand_still_share: float = param(
        0.4, "share of the body's rise", "a wrist that rose less than this share of the hips' rise was held on "
        "something fixed (a rail, a counter, a thigh); a free arm rises with the body", bounds=(0.1, 0.9))


def _knee_fppa(xy: np.ndarray, side: str) -> float:
    """Frontal-plane projection angle of ``side``'s knee (image, deg): how far the knee bends away
    from the hip-ankle line, positive toward the midline (valgus). Meaningful in a front view."""
    hip, knee, ankle = (xy[int(p)] for p in lb.LEG[side])
    other_hip = xy[int(lb.LEG["right" if side == "left" else "left"][0])]
    u, v = knee - hip, ankle - knee
    if not (np.linalg.norm(u) > 1e-6 and np.linalg.norm(v) > 1e-6) or abs(ankle[1] - hip[1]) < 1e-6:
        return float("nan")
    angle = float(np.degrees(np.arccos(np.clip(np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v)), -1.0, 1.0))))
    line_x = hip[0] + (ankle[0] - hip[0]) * (knee[1] - hip[1]) / (ankle[1] - hip[1])
    medial = np.sign(other_hip[0] - hip[0])
    return angle if (knee[0] - line_x) * medial >= 0 else -angle


class StepUp(RepExercise):
    phase_names = {WAITING: "waiting", REST: "on the floor", OUT: "stepping up", TARGET: "on the step",
                   BACK: "stepping down"}
    side_names = SIDES
    not_counted_reason = "led with the other leg"
    measure_names = ("rise", "rise_cm", "rise_cm_here", "feet_diff", "trunk_deg", "shank_px",
                     *per_side("valgus_deg", "wrist_up", fmt="{side}_{stem}"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clinical_target = self.params.full_rise_share
        self.floor_y = RestBaseline(tau_s=5.0)  # the lower ankle's image y standing on the floor
        self.shank_ref = RestBaseline(tau_s=5.0)  # shank length in pixels, standing
        self.standing = RestBaseline(tau_s=5.0)  # ``rise`` standing on the floor
        self._last_lead: str | None = None
        self._feet: deque[tuple[float, float]] = deque()  # (t, feet_diff) of the last FEET_KEPT_S

    def landmark_sets(self):
        return lb.leg_sets("both")

    def _floor_and_shank(self, pose: PoseFrame) -> tuple[float, float, float]:
        """(lower ankle's image y, mean shank length in pixels, hips' image y) of this frame."""
        xy = pose.xy_px
        return (float(np.nanmax([xy[L.LEFT_ANKLE][1], xy[L.RIGHT_ANKLE][1]])), lb.shank_px(pose),
                float((xy[L.LEFT_HIP][1] + xy[L.RIGHT_HIP][1]) / 2))

    def measure(self, pose: PoseFrame, view: str):
        xy = pose.xy_px
        values = self.new_measures()
        ankle_y, values["shank_px"], hip_y = self._floor_and_shank(pose)
        floor, shank = self.floor_y.value(ankle_y), self.shank_ref.value(values["shank_px"])
        if not shank > 1e-6:
            return float("nan"), values
        values["rise"] = float((floor - hip_y) / shank)
        values["rise_cm"] = float((values["rise"] - self.standing.value(values["rise"])) * SHANK_CM)
        if values["shank_px"] > 1e-6:  # the same rise in this frame's own shank lengths
            values["rise_cm_here"] = values["rise_cm"] * shank / values["shank_px"]
        for side in SIDES:
            values[f"{side}_valgus_deg"] = _knee_fppa(xy, side)
            values[f"{side}_wrist_up"] = float((floor - xy[L[f"{side.upper()}_WRIST"]][1]) / shank)
        values["trunk_deg"] = trunk_lean_deg(pose, "image")
        diff = self._feet_diff(pose)
        if np.isfinite(diff):
            values["feet_diff"] = diff
            self._feet.append((pose.timestamp_s, diff))
            while self._feet and self._feet[0][0] < pose.timestamp_s - FEET_KEPT_S:
                self._feet.popleft()
        return values["rise_cm"] / self.params.step_height_cm, values

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        # One signal, the body's; named after the lead leg asked for (``side="left"``), else "body".
        return {self.side if self.side in SIDES else "body": values["rise"]} if "rise" in values else {}

    def update(self, pose: PoseFrame):
        """The floor, the standing shank and the standing hips are learned before the machinery
        reads the frame, only while the person stands on the floor: both feet level (3D) and the
        lower ankle and the hips no higher than they were (so the top of a step-up, both feet level
        on the step, never teaches them)."""
        if pose.has_person and any(pose.visible(*lb.LEG[s], threshold=0.5) for s in SIDES):
            ankle_y, shank_px, hip_y = self._floor_and_shank(pose)
            diff = self._feet_diff(pose)
            shank = self.shank_ref.value(shank_px)
            floor = self.floor_y.value(ankle_y)
            # From the front, feet level on the step hardly move the ankles in the picture (the step
            # is nearer the camera): the hips, no higher than standing, tell the floor from the step.
            rise = (floor - hip_y) / shank if shank > 1e-6 else float("nan")
            on_floor = (not np.isfinite(diff) or abs(diff) < self.params.lead_foot_thigh / 2) and \
                np.isfinite(rise) and ankle_y >= floor - FLOOR_BAND * shank and \
                (not self.standing.ready or rise <= self.standing.value() + FLOOR_BAND)
            if on_floor:
                t = pose.timestamp_s
                self.floor_y.update(t, ankle_y)
                self.shank_ref.update(t, shank_px)
                self.standing.update(t, (self.floor_y.value(ankle_y) - hip_y) / self.shank_ref.value(shank_px))
        return super().update(pose)

    def _feet_diff(self, pose: PoseFrame) -> float:
        """How much higher the left ankle is than the right, in thigh lengths (3D landmarks)."""
        if pose.world is None:
            return float("nan")
        w = pose.world
        thigh = np.mean([np.linalg.norm(w[int(lb.LEG[s][1])] - w[int(lb.LEG[s][0])]) for s in SIDES])
        if not thigh > 1e-6:
            return float("nan")
        return float((w[L.RIGHT_ANKLE][1] - w[L.LEFT_ANKLE][1]) / thigh)  # world y points down

    # ---- one step-up ------------------------------------------------------------------------
    def _up_time(self, ctx: RepContext) -> float:
        """When the body, on its way to this rep's top, last passed ``UP_SHARE`` of the rise from
        where it stood before (its own measurements: the first live rep comes before the person's
        range is known)."""
        t_top = self._top_time(ctx)
        t, rise = ctx.series("rise", None, t_top)
        if len(rise) < 2:
            return ctx.start_s
        level = float(np.min(rise)) + UP_SHARE * (rise[-1] - float(np.min(rise)))
        below = np.flatnonzero(rise <= level)
        return float(t[below[-1]]) if len(below) else ctx.start_s

    def _top_time(self, ctx: RepContext) -> float:
        t, _ = ctx.extreme("rise", "max", ctx.start_s, ctx.end_s)
        return t if np.isfinite(t) else ctx.end_s

    def rep_sides(self, ctx: RepContext) -> tuple[str, ...]:
        """The lead leg: the foot higher than the other on average just before the body rose. Named
        from the front only: seen from the side the pose model gives the stepping foot to the leg
        nearer the camera whichever it is (rendered side-view step-ups: every one "right")."""
        if ctx.view != FRONT:
            return ()
        t_up = self._up_time(ctx)
        diff = np.array([d for t, d in self._feet if t_up - LEAD_WINDOW_S <= t <= t_up])
        if len(diff) and np.max(np.abs(diff)) >= self.params.lead_foot_thigh:
            return ("left",) if float(np.mean(diff)) > 0 else ("right",)
        # No frame of that window saw a foot up (live frames dropped while the foot went up, the
        # window left with the standing ones): the first foot seen that far up before the top.
        t_top = self._top_time(ctx)
        later = [d for t, d in self._feet if t_up < t <= t_top and abs(d) >= self.params.lead_foot_thigh]
        if not later:
            return ()
        return ("left",) if later[0] > 0 else ("right",)

    def refine_start(self, ctx: RepContext) -> float:
        """The lead foot leaving the floor: the last moment before the rise that its lead over the
        other foot was under ``onset_share`` of its highest (interpolated between samples). The
        body's own onset may be earlier (a sway after the last step-up) or later (the foot waits
        on the step): the foot decides."""
        t_up = self._up_time(ctx)
        kept = [(t, d) for t, d in self._feet if t <= t_up]
        t, v = (np.array(x) for x in zip(*kept)) if kept else (np.array([]), np.array([]))
        # The lead foot's lead; with no lead named (a side view), either foot's.
        v = np.abs(v) if not ctx.sides else v if ctx.sides[0] == "left" else -v
        if not len(v) or not np.max(v) > 0:
            return ctx.start_s
        level = self.params.onset_share * float(np.max(v))
        low = np.flatnonzero(v <= level)
        if not len(low):
            return ctx.start_s
        i = int(low[-1])
        if i + 1 >= len(v) or v[i + 1] <= v[i]:
            return float(t[i])
        return float(t[i] + (level - v[i]) / (v[i + 1] - v[i]) * (t[i + 1] - t[i]))

    def rep_counts(self, ctx: RepContext) -> bool:
        return ctx.reached and (self.side not in SIDES or not ctx.sides or ctx.sides == (self.side,))

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        t_top = self._top_time(ctx)
        m = {"rise_cm": self._rise_cm(ctx),
             "step_up_s": ctx.end_s - ctx.start_s,
             "peak_trunk_deg": ctx.extreme("trunk_deg", "max", ctx.start_s, t_top)[1],
             "hand_support": 1.0 if self._hand_support(ctx) else 0.0}
        lead = ctx.sides[0] if ctx.sides else None
        if lead and ctx.view == FRONT:
            m["knee_valgus_deg"] = self._valgus(ctx, lead)[1]
        if lead and ctx.reached:
            if self._last_lead is not None:
                m["alternated"] = 1.0 if lead != self._last_lead else 0.0
            self._last_lead = lead
        return m

    def _rise_cm(self, ctx: RepContext) -> float:
        """How far the body rose standing on the step: the median of the frames with both feet level
        and the body over ``TOP_SHARE`` of its highest, each in its own shank lengths; a try that
        never had both feet up (or no 3D feet): its highest frame."""
        highest = ctx.extreme("rise_cm", "max", ctx.start_s, ctx.end_s)[1]
        inside = [s.values for s in ctx.samples if ctx.start_s <= s.t <= ctx.end_s]
        top = [v.get("rise_cm_here", np.nan) for v in inside
               if abs(v.get("feet_diff", np.nan)) < self.params.lead_foot_thigh / 2
               and v.get("rise_cm", np.nan) >= TOP_SHARE * highest]
        top = [x for x in top if np.isfinite(x)]
        return float(np.median(top)) if top and highest > 0 else highest

    def _valgus(self, ctx: RepContext, lead: str) -> tuple[float, float]:
        """The lead knee's largest inward angle while it lifts the body (rise on its way to the top)."""
        t_up = self._up_time(ctx)
        return ctx.extreme(f"{lead}_valgus_deg", "max", t_up - LEAD_WINDOW_S / 2, self._top_time(ctx))

    def _hand_support(self, ctx: RepContext) -> str | None:
        """A wrist whose height rose less than ``hand_still_share`` of the hips' rise from the start
        of the step-up to its top; the detail names it."""
        t_top = self._top_time(ctx)
        t, rise = ctx.series("rise", ctx.start_s - 0.2, t_top)
        if len(rise) < 2 or not rise[-1] - rise[0] > 0:
            return None
        body = rise[-1] - rise[0]
        for side in SIDES:
            tw, w = ctx.series(f"{side}_wrist_up", ctx.start_s - 0.2, t_top)
            if len(w) >= 2 and (w[-1] - w[0]) < self.params.hand_still_share * body:
                return f"{side} hand stayed put ({(w[-1] - w[0]) / body:.0%} of the body's rise): held on"
        return None

    def checks(self) -> list[Check]:
        return [Check("trunk_flexion", self._trunk_flexion, view="side"),
                Check("trunk_lean", self._trunk_lean, view="front"),
                Check("knee_valgus", self._knee_valgus, view="front"),
                Check("hand_support", self._hand)]

    def _trunk_flexion(self, ctx: RepContext):
        return self._trunk(ctx, self.params.trunk_flexion_limit_deg, "forward")

    def _trunk_lean(self, ctx: RepContext):
        return self._trunk(ctx, self.params.trunk_lean_limit_deg, "sideways")

    def _trunk(self, ctx: RepContext, limit: float, way: str):
        t, peak = ctx.extreme("trunk_deg", "max", ctx.start_s, self._top_time(ctx))
        if np.isfinite(peak) and peak > limit:
            return t, f"trunk {peak:.0f} deg {way} stepping up (limit {limit:.0f})"
        return None

    def _knee_valgus(self, ctx: RepContext):
        if not ctx.sides:
            return None
        t, angle = self._valgus(ctx, ctx.sides[0])
        if np.isfinite(angle) and angle > self.params.knee_valgus_limit_deg:
            return t, f"{ctx.sides[0]} knee {angle:.0f} deg inward (limit {self.params.knee_valgus_limit_deg:.0f})"
        return None

    def _hand(self, ctx: RepContext):
        found = self._hand_support(ctx)
        return (ctx.start_s, found) if found else None


SPEC = ExerciseSpec(
    name="step-up", label="Step-ups", machine=StepUp, params=StepUpParams,
    # The hips' height over the floor in shank lengths: a 10 cm step raises them ~0.24, a 5 cm one
    # ~0.12; standing sway and a foot set on the step and taken back move them under 0.05.
    scale=SignalScale("shank lengths", min_range=0.08, expected_range=0.24),
    # Up, a moment on the step, down: ~3 s at a usual pace; the hips stay above the rest band ~1.5 s
    # of it, a try that does not make it up ~0.6 s. Shorter is a jolt of the landmarks.
    phases=replace(RELATIVE_PHASES, min_rep_s=0.4),
    count_on="end", incomplete_fault="incomplete_step",
    faults=("incomplete_step", "trunk_flexion", "trunk_lean", "knee_valgus", "hand_support"),
    setup=SetupNeeds(("trunk", "legs", "feet"), "front", min_height_share=0.35,
                     reminders=("Put the step by a wall or a rail you can hold.",
                                "Make sure the step cannot slide.")),
    equipment="A low, steady step (about 10 cm, 4 inches) beside a rail, wall or counter you can hold",
    steps=("Stand facing a low, steady step; hold the rail if you need to.",
           "Step up with one foot, then bring the other foot up beside it.",
           "Step down with the first foot, then the other. Change the leading leg each time if asked."),
    cues=(("trunk_flexion", "Chest up, push through your front leg"),
          ("knee_valgus", "Keep your knee over your toes"),
          ("hand_support", "Hold on only as much as you need")),
    fault_words=(("trunk_lean", "you leaned to one side as you stepped up"),),
    variants=("holding on", "hands free", "higher step"), default_variant="holding on",
    synth_script="step_up", sided=True, limb="leg", key_measure="rise_cm", key_unit="cm",
    rep_noun=("step-up", "step-ups"), said_as="step-ups", amplitude_metric="", motion_family="legs",
    spotting="They stand on one leg for a moment as they step up, and may lose balance.")
