"""Sit-to-stand: a rep counts when full standing is reached from sitting (30-second chair stand
rule, Rikli & Jones 1999); the sit that follows completes its metrics. A rise that turns back
before full standing is an uncounted attempt with ``incomplete_stand``.

Works from the side, the front and oblique views (progress comes from hip height in shank
lengths, see ``exercises.lower_body``). Checks declare their view: trunk flexion needs the side,
lateral shift, knee valgus and asymmetry need the front; others run in any view.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from coach.pose.frame import PoseFrame
from coach.views import FRONT, SIDE
from exercises import lower_body as lb
from exercises import lower_body_checks as checks
from exercises.calibration import OwnTypical, QuietWindow, RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise, Sample
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, SetupNeeds, param

# Which numbers stay out of ``SitToStandParams``: where a rep's times are read (the rise's lean
# onset, the standing plateau, the re-seated settle), where the person's own seated and standing
# levels are learned (quiet, under 0.4 / over 0.7 of the rise) and anatomical clamps on them.
# They place metrics and estimates; every limit that counts a rep or reports a fault is a field.
SETTLE_S = 0.6  # re-seated = where the hip bottoms out on the seat, within 0.6 s of sitting back
LEAN_ONSET_DEG = 2.0  # trunk lean beyond rest that marks the start of a rise
LEAN_JITTER_DEG = 0.05  # smoothed trunk angle jitter at rest; a steady fall larger than this is the lean


@dataclass(frozen=True)
class SitToStandParams(checks.LowerBodyLimits):
    """Screening defaults, not norms (CLINICAL.md has none for these); a physio can override each."""

    standing_progress: float = param(
        0.85, "share of the seated-to-standing hip rise",
        "full standing: leaves ~0.15 shank below full height, inside the spread of a quiet stand "
        "(soft knees, sway), while a half stand peaks near 0.5; below it a counted rep gets incomplete_stand", bounds=(0.5, 1.2))
    standing_gate: float = param(
        0.8, "share of the seated-to-standing hip rise",
        "a rise counts once it is also near standing (the 30-s chair stand counts full stands): a half stand "
        "caps below it from the side (knee still bent), full stands on real clips reach 0.98-1.2", bounds=(0.5, 1.2))
    standing_knee_deg: float = param(150.0, "deg", "knee within 30 deg of straight: standing, not a crouch (side view)", bounds=(120, 180))
    trunk_flexion_limit_deg: float = param(55.0, "deg", "a typical rise leans 30-45 deg; beyond 55 the trunk is doing the work", bounds=(5, 90))
    hand_on_thigh_dist: float = param(0.2, "thigh lengths", "wrist within a fifth of a thigh length of the thigh = resting on it", bounds=(0.05, 1))
    hand_on_thigh_min_s: float = param(0.35, "s", "pushing lasts through the push-off; passing over the thigh is a few frames", bounds=(0.05, 3))
    hand_on_thigh_rise_share: float = param(0.4, "share of the rise", "... and at least this share of the rise (slow risers push longer)", bounds=(0, 1))
    uncontrolled_sit_ratio: float = param(0.5, "sit time / rise time", "descent much faster than the rise: sat in under half the rise time", bounds=(0.1, 1))
    uncontrolled_sit_own: float = param(
        0.55, "share of own usual sit time",
        "once known, a sit in under 55% of this person's usual; video compresses a dropped sit (0.46 of "
        "usual on rendered clips vs 0.62 for a controlled one), so this is a screening flag", bounds=(0.1, 1))


class SitToStand(RepExercise):
    phase_names = {WAITING: "waiting", REST: "seated", OUT: "rising", TARGET: "standing", BACK: "sitting"}
    measure_names = lb.LEG_MEASURES

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clinical_target = self.params.standing_progress
        self.seated = RestBaseline(tau_s=5.0, settle=3)
        self.standing = RestBaseline(tau_s=5.0)
        self.quiet = QuietWindow(window_s=0.3, tolerance=0.08)  # 0.08 shank: seated/standing jitter
        self._quiet_now = False
        self.shank_ref = RestBaseline(tau_s=2.0)  # upright shank length in pixels, learned at rest
        self.own_trunk = checks.own_trunk_typical(self.params)
        self.own_sit = OwnTypical(0.0)

    def landmark_sets(self):
        return lb.leg_sets(self.side)

    def posture_problem(self, pose: PoseFrame) -> str | None:
        return lb.upright_problem(pose, self.params)

    not_counted_reason = "did not reach full standing"

    def may_count(self, sample: Sample) -> bool:
        # The chair-stand rule counts full stands: the top of the person's own range must also be
        # standing (hip near standing height; from the side also the knee near straight, which
        # ``measure`` folds into the progress). Alone, a half stand would be the person's range.
        return sample.progress >= self.params.standing_gate

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {"body": values["hip_ratio"]}

    def body_levels(self) -> tuple[float, float]:
        """(seated, standing) hip ratios for this person, clamped to anatomically possible values."""
        seat = float(np.clip(self.seated.value(lb.SEATED_HIP_RATIO), 0.6, 1.35))
        stand = float(np.clip(self.standing.value(lb.STANDING_HIP_RATIO), 1.7, 2.3))
        return seat, stand

    def measure(self, pose: PoseFrame, view: str):
        values = self.new_measures(lb.leg_values(pose, self.side, view, self.params, self.shank_ref.value()))
        seat, stand = self.body_levels()
        progress = (values["hip_ratio"] - seat) / (stand - seat)
        # Full standing also needs the knee extended. Checked where the knee angle is
        # trustworthy (side view, image plane); a three-quarter rise with bent knees can put
        # the hip almost as high as standing.
        if view == SIDE and np.isfinite(values["knee_deg"]) and values["knee_deg"] < self.params.standing_knee_deg:
            progress = min(progress, self.params.standing_gate - 0.01)
        return progress, values

    def refine_start(self, ctx: RepContext) -> float:
        """A rise begins with the forward lean, before the hips leave the seat: walk back from
        the hip onset while the trunk was still leaning more than at rest, then on to where the
        lean began (the last sample before it the trunk was no lower: its local minimum), since a
        movement starts slowly and a 2-degree threshold alone is crossed late."""
        t, trunk = ctx.series("trunk_deg", None, ctx.start_s)
        if len(trunk) < 3:
            return ctx.start_s
        rest = float(np.min(trunk))
        start = ctx.start_s
        i = len(trunk)
        for i in range(len(trunk) - 1, -1, -1):
            if trunk[i] <= rest + LEAN_ONSET_DEG:
                break
            start = float(t[i])
        # Keep walking while the trunk keeps falling going back in time (by more than jitter).
        while i > 0 and trunk[i - 1] < trunk[i] - LEAN_JITTER_DEG:
            i -= 1
        if i < len(trunk) and trunk[i] <= rest + LEAN_ONSET_DEG:
            start = min(start, float(t[i]))
        return start

    def settled(self, sample: Sample) -> bool:
        self._quiet_now = self.quiet.update(sample.t, sample.values["hip_ratio"])
        return self._quiet_now and sample.progress < 0.4

    def after_sample(self, sample: Sample, phase: str) -> None:
        # Learn the person's own seated and standing hip height, only while clearly there.
        # A quiet stretch nearer the seat than standing is sitting (this person's chair height,
        # this camera's angle); quiet and near the top is standing. Mid-movement never teaches.
        ratio = sample.values["hip_ratio"]
        quiet = self._quiet_now
        if quiet and phase in (WAITING, REST):
            self.shank_ref.update(sample.t, sample.values["shank_px"])
        if quiet and sample.progress < 0.4 and phase != OUT:
            self.seated.update(sample.t, ratio)
        elif (quiet and sample.progress > 0.7) or (phase == TARGET and sample.progress >= self.clinical_target):
            self.standing.update(sample.t, ratio)

    # ---- metrics ----------------------------------------------------------------------------
    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        m: dict[str, float] = {"peak_rise_pct": 100.0 * min(ctx.peak, 1.2)}
        top = ctx.target_s if ctx.target_s is not None else ctx.extreme("hip_ratio", "max")[0]
        if ctx.target_s is not None:
            m["stand_time_s"] = self._full_stand_time(ctx)
            m["rise_time_s"] = m["stand_time_s"] - ctx.start_s
            descent = self._descent_start(ctx)
            if descent is not None and ctx.end_s > descent:
                m["sit_time_s"] = ctx.end_s - descent
        m["peak_trunk_flexion_deg"] = ctx.extreme("trunk_deg", "max", ctx.start_s - 0.5, top)[1]
        if np.isfinite(top):
            m["knee_extension_deg"] = ctx.extreme("knee_deg", "max", top - 0.1, top + 0.6)[1]
            m["hip_extension_deg"] = ctx.extreme("hip_deg", "max", top - 0.1, top + 0.6)[1]
        if ctx.view == FRONT:
            m["lateral_shift_pct"] = 100.0 * checks.max_abs_change(ctx, "trunk_shift")
            m["asymmetry_pct"] = 100.0 * checks.max_abs_change(ctx, "pelvis_shift")
        return m

    @staticmethod
    def _full_stand_time(ctx: RepContext) -> float:
        """The count fires at 85% of the rise; full standing is where the hip reaches its
        plateau: the first moment within 0.05 of the highest progress soon after."""
        after = [s for s in ctx.samples if ctx.target_s <= s.t <= ctx.target_s + 0.7]  # a rise ends within 0.7 s
        top = max((s.progress for s in after), default=ctx.peak)
        for s in after:
            if s.progress >= top - 0.05:
                return s.t
        return ctx.target_s

    def _descent_start(self, ctx: RepContext) -> float | None:
        t = [s.t for s in ctx.samples if s.progress >= self.clinical_target and s.t >= (ctx.target_s or 0)]
        return max(t) if t else None

    # ---- checks -----------------------------------------------------------------------------
    def checks(self) -> list[Check]:
        return [
            Check("trunk_flexion", self._trunk_flexion),
            Check("hands_on_thighs", self._hands_on_thighs),
            Check("uncontrolled_sit", self._uncontrolled_sit),
            Check("lateral_shift", self._lateral_shift),
            Check("knee_valgus", self._knee_valgus),
        ]

    def _lateral_shift(self, ctx: RepContext):
        return checks.lateral_shift_fault(ctx, self.params)

    def _trunk_flexion(self, ctx: RepContext):
        # The lean of a rise starts just before the hips leave the seat.
        return checks.trunk_flexion_fault(ctx, self.own_trunk, self.params.trunk_flexion_limit_deg, ctx.start_s - 0.5,
                                          ctx.target_s or ctx.end_s)

    def _hands_on_thighs(self, ctx: RepContext):
        # Sustained contact during the rise only: a flexed trunk with the arms crossed can put a
        # wrist over the thigh in a side view for a moment (MediaPipe even guesses the wrist
        # there), and wrists near the shoulders never count (see lower_body.hand_to_thigh).
        top = ctx.target_s or ctx.end_s
        t, d = ctx.series("hand_thigh", ctx.start_s, top)
        p = self.params
        min_s = max(p.hand_on_thigh_min_s, p.hand_on_thigh_rise_share * (top - ctx.start_s))
        return _held_below(t, d, p.hand_on_thigh_dist, min_s, "hand on the thigh while rising")

    def _uncontrolled_sit(self, ctx: RepContext):
        rise, sit = ctx.metrics.get("rise_time_s"), ctx.metrics.get("sit_time_s")
        usual = self.own_sit.value
        if sit:
            self.own_sit.add(sit)
        if np.isfinite(usual) and sit and sit >= self.params.uncontrolled_sit_own * usual:
            return None
        if rise and sit and sit < self.params.uncontrolled_sit_ratio * rise:
            return ctx.end_s, f"sat down in {sit:.1f} s after rising in {rise:.1f} s"
        return None

    def _knee_valgus(self, ctx: RepContext):
        return checks.knee_valgus_fault(ctx, self.params, ctx.start_s, ctx.target_s or ctx.end_s)


def _held_below(t: np.ndarray, v: np.ndarray, limit: float, min_s: float, detail: str):
    """First time ``v`` stayed below ``limit`` for at least ``min_s`` seconds."""
    since = None
    for ti, vi in zip(t, v):
        if vi < limit:
            since = ti if since is None else since
            if ti - since >= min_s:
                return float(since), detail
        else:
            since = None
    return None


SPEC = ExerciseSpec(
    name="sit-to-stand", label="Sit to stand", machine=SitToStand, params=SitToStandParams,
    # Hip height above the ankles in shank lengths: seated ~1.0-1.2, standing ~2.0. Under 0.3
    # (~12 cm of hip travel) is shifting on the seat; a full rise is ~0.9.
    scale=SignalScale("shank lengths", min_range=0.3, expected_range=0.9),
    # Standing is the top of the person's own range, so the count needs 85% of it (a half stand
    # raises the hip ~60-75%: the hip rises fastest early).
    phases=replace(RELATIVE_PHASES, target=0.85, target_exit=0.7, settle_s=SETTLE_S),
    count_on="target", incomplete_fault="incomplete_stand",
    faults=("incomplete_stand", "trunk_flexion", "hands_on_thighs", "uncontrolled_sit", "lateral_shift", "knee_valgus"),
    setup=SetupNeeds(("head", "trunk", "legs", "feet"), "side",
                     reminders=("Put a sturdy chair with its back against the wall",)),
    equipment="A firm chair without wheels, its back against a wall",
    steps=("Sit near the front of the chair, feet flat and a little apart.",
           "Lean forward, nose over toes, and stand up tall.",
           "Sit back down slowly, with control."),
    variants=("high-seat", "standard", "low-seat"), default_variant="standard",
    synth_script="sit_to_stand", key_measure="knee_deg", key_unit="deg", rep_noun=("stand", "stands"),
    said_as="sit-to-stands", amplitude_metric="", motion_family="legs")
