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

Freezes (``freezes``, told with their moment among the warnings): a pause between steps much longer
than the person's usual interval (a cadence collapse), and the legs trembling in place (festination:
``trembles``, small fast side-to-side swings of the thighs' angles from upright, well above the person's
own stepping rate, with hardly any lift, outside every step); a tremble inside a pause marks that
freeze, one before the first step is a freeze of its own. The pose smoothing that steadies every
count takes most of a fast tremble's swing out (the generator's 10 deg knee bobs at 3 a second read
~2.5 deg), so ``tremble_min_deg`` is low and a tremble must also be well above the person's own
quiet-standing wobble (``tremble_noise_share``); a tremble much faster than 3 a second may be
smoothed away entirely (not measured).
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
    tremble_min_hz: float = param(
        2.0, "cycles a second (each leg)", "legs trembling in place (festination in a freeze) alternate 3-8 times "
        "a second; a marching leg goes up and down at most ~1.3 times a second even at 150 steps a minute",
        bounds=(1.0, 6.0))
    tremble_rate_share: float = param(
        2.5, "times the person's own stepping rate", "... and well above this person's own rate (a leg's cycles a "
        "second from their usual step interval): a brisk march is never a tremble", bounds=(1.5, 10))
    tremble_min_deg: float = param(
        1.5, "deg (half the swing of the angle between the thighs)", "a tremble swings the thighs at least this "
        "much after the pose smoothing (the generator's 10 deg knee bobs at 3 a second read ~2.5 deg)",
        bounds=(0.5, 10))
    tremble_noise_share: float = param(
        3.0, "times the person's quiet-standing wobble", "... and this many times the wobble of this person's "
        "thighs while they stand still (the pose model's own jitter is not a tremble)", bounds=(1.5, 10))
    tremble_max_lift_share: float = param(
        0.3, "share of the person's usual knee lift", "a tremble hardly lifts the knee: a swing more than this "
        "share of their usual step (else of target_lift_deg) is stepping, not trembling", bounds=(0.1, 0.8))
    tremble_min_s: float = param(
        1.0, "s", "trembling this long is told as a freeze (shorter is a hesitation)", bounds=(0.3, 10))
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


# Estimation (not decisions): the window a tremble's rate and swing are read over (a few cycles of
# a 2-8 Hz tremble), and the quietest share of the still moments that gives the person's own wobble
# (a real moment's value, not one interpolated toward a tremble when there are few still moments).
TREMBLE_WINDOW_S = 1.0
QUIET_PERCENTILE = 20


@dataclass(frozen=True)
class Freeze:
    """A freeze: a pause in stepping much longer than the person's usual interval (a cadence
    collapse), or the legs trembling in place (festination: small fast alternating knee bobs with
    hardly any lift), or both. ``trembling``: when the legs trembled, (start, end) in s."""

    start_s: float  # when the next step was due (a tremble alone: when it started)
    end_s: float  # the next step's onset (a tremble alone: when it stopped)
    trembling: tuple[float, float] | None = None

    def words(self) -> str:
        if self.trembling is None:
            return f"Freezing at {self.start_s:.1f} s: {self.end_s - self.start_s:.1f} s without a step"
        a, b = self.trembling
        if self.end_s - self.start_s > b - a + 0.5:  # a longer pause with a tremble inside it
            return (f"Freezing at {self.start_s:.1f} s: {self.end_s - self.start_s:.1f} s without a step, "
                    f"the legs trembling in place from {a:.1f} s for {b - a:.1f} s")
        return f"Freezing at {self.start_s:.1f} s: the legs trembling in place for {b - a:.1f} s"


def usual_interval(reps, params: SteppingParams) -> float | None:
    """The person's usual step interval (s): the median onset-to-onset gap, once there are enough steps."""
    onsets = sorted(r.start_s for r in reps if r.counted)
    return float(np.median(np.diff(onsets))) if len(onsets) >= params.freeze_min_steps else None


def freezes(reps, params: SteppingParams, trembling: list[tuple[float, float]] = ()) -> list[Freeze]:
    """Freezes between counted steps, judged against the person's own usual interval, and the
    trembling episodes (``trembles``) each joined to the pause it happened in, or on its own."""
    onsets = sorted(r.start_s for r in reps if r.counted)
    usual = usual_interval(reps, params)
    out = []
    if usual is not None:
        out = [Freeze(round(a + usual, 2), round(b, 2)) for a, b, gap in zip(onsets, onsets[1:], np.diff(onsets))
               if gap >= params.freeze_gap_share * usual and gap - usual >= params.freeze_min_s]
    for a, b in trembling:
        k = next((i for i, f in enumerate(out) if a < f.end_s and b > f.start_s - (usual or 0.0)), None)
        if k is None:
            out.append(Freeze(round(a, 2), round(b, 2), (round(a, 2), round(b, 2))))
        else:  # the pause it happened in, from when the next step was due or the tremble began
            out[k] = replace(out[k], start_s=min(out[k].start_s, round(a, 2)), trembling=(round(a, 2), round(b, 2)))
    return sorted(out, key=lambda f: f.start_s)


def trembles(times, swing_deg, reps, params: SteppingParams, wobble: float | None = None) -> list[tuple[float, float]]:
    """(start, end) in s of each time the legs trembled in place: in a ``TREMBLE_WINDOW_S`` window,
    the thighs' angles from upright, left minus right (+: the left knee higher), swinging from side to side at least
    ``tremble_min_hz`` (and ``tremble_rate_share`` times the person's own stepping rate) by at least
    ``tremble_min_deg`` (and ``tremble_noise_share`` times their quiet-standing wobble), never more
    than ``tremble_max_lift_share`` of their usual knee lift, outside every counted step; windows
    like that joined, kept when ``tremble_min_s`` long. ``wobble``: the quiet-standing wobble (deg)
    when known (else read from the quietest of these windows)."""
    t, s = np.asarray(times, dtype=float), np.asarray(swing_deg, dtype=float)
    ok = np.isfinite(s)
    t, s = t[ok], s[ok]
    if len(t) < 8 or t[-1] - t[0] < params.tremble_min_s:
        return []
    counted = [r for r in reps if r.counted]
    lifts = [r.metrics["knee_lift_deg"] for r in counted if np.isfinite(r.metrics.get("knee_lift_deg", np.nan))]
    ceiling = params.tremble_max_lift_share * (float(np.median(lifts)) if lifts else params.target_lift_deg)
    usual = usual_interval(reps, params)
    min_hz = max(params.tremble_min_hz, params.tremble_rate_share / (2.0 * usual) if usual else 0.0)
    in_step = np.zeros(len(t), dtype=bool)
    for r in counted:
        in_step |= (t >= r.start_s) & (t <= r.end_s)
    half = TREMBLE_WINDOW_S / 2
    lo = np.searchsorted(t, t - half)
    hi = np.searchsorted(t, t + half, side="right")
    swing = np.full(len(t), np.nan)  # half the window's peak-to-peak
    for i, (a, b) in enumerate(zip(lo, hi)):
        if b - a >= 4 and not in_step[a:b].any():
            swing[i] = 0.5 * float(np.ptp(s[a:b]))
    still = swing[np.isfinite(swing)]
    if not len(still):
        return []
    wobble = float(np.percentile(still, QUIET_PERCENTILE, method="lower")) if wobble is None else wobble
    band = max(params.tremble_min_deg, params.tremble_noise_share * wobble)
    flagged = np.zeros(len(t), dtype=bool)
    for i, (a, b) in enumerate(zip(lo, hi)):
        if not (np.isfinite(swing[i]) and band <= swing[i] <= ceiling):
            continue
        w = s[a:b] - np.median(s[a:b])
        # Side-to-side changes past half the band each way (hysteresis: jitter around the middle is none).
        sides = np.sign(w[np.abs(w) >= band / 2])
        changes = int(np.count_nonzero(np.diff(sides)))
        flagged[i] = changes / (2.0 * (t[b - 1] - t[a])) >= min_hz if t[b - 1] > t[a] else False
    out = []
    i = 0
    while i < len(t):
        if not flagged[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(t) and flagged[j + 1]:
            j += 1
        # From the first bob to the last: the turning points of the swing (past half the band, outside
        # the steps), widened by half their usual spacing (a bob starts that long before its top).
        a, b = lo[i], hi[j]
        w = s[a:b] - np.median(s[a:b])
        d = np.diff(w)
        turns = [k for k in range(1, len(w) - 1) if d[k - 1] * d[k] < 0 and abs(w[k]) >= band / 2
                 and not in_step[a + k]]
        if len(turns) < 3:
            i = j + 1
            continue
        at = t[a:b][turns]
        gap = float(np.median(np.diff(at)))
        start, end = float(at[0]) - gap / 2, float(at[-1]) + gap / 2
        if end - start >= params.tremble_min_s:
            out.append((round(start, 2), round(end, 2)))
        i = j + 1
    return out


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
        # The tremble's signal: each thigh's angle from upright, left minus right (+: the left knee
        # higher). Zero standing, whatever the stance width (the angle between the thighs is not:
        # its sign flips with noise while standing, adding the stance to every swing).
        upright = {side: float(np.degrees(np.arccos(np.clip(values[f"{side}_drop"], -1.0, 1.0)))) for side in SIDES}
        self._swing.append((pose.timestamp_s, upright["left"] - upright["right"]))
        self._quiet_block(pose.timestamp_s, self._swing[-1][1])
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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._swing: list[tuple[float, float]] = []  # (s, left thigh's angle from upright minus the right's)
        self._still_swings: list[float] = []  # half the swing of each still block (``_quiet_block``)
        self._block_t0: float | None = None
        self._block: list[float] = []
        self._block_rest = True

    def _quiet_block(self, t: float, swing: float) -> None:
        """Half the swing of each ``TREMBLE_WINDOW_S`` block spent at rest (no step under way): the
        person's own wobble standing still is the quietest of them (``wobble``)."""
        if self._block_t0 is None:
            self._block_t0, self._block = t, []
        self._block.append(swing)
        self._block_rest = self._block_rest and self.machine.phase in (REST, WAITING)
        if t - self._block_t0 >= TREMBLE_WINDOW_S:
            if self._block_rest and len(self._block) >= 4:
                self._still_swings.append(0.5 * float(np.ptp(self._block)))
            self._block_t0, self._block, self._block_rest = t, [], True

    def wobble(self) -> float | None:
        return float(np.percentile(self._still_swings, QUIET_PERCENTILE, method="lower")) if self._still_swings else None

    def trembles(self) -> list[tuple[float, float]]:
        if not self._swing:
            return []
        t, s = zip(*self._swing)
        return trembles(t, s, self.reps, self.params, self.wobble())

    def freezes(self) -> list[Freeze]:
        return freezes(self.reps, self.params, self.trembles())

    def diagnosis(self) -> list[str]:
        """The counting notes, then each freeze with its moment (for the physio's review)."""
        return super().diagnosis() + [f.words() for f in self.freezes()]

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        _, lift = ctx.extreme("knee_lift_deg", "max")
        metrics = {"knee_lift_deg": lift, "step_time_s": ctx.end_s - ctx.start_s}
        # A tremble since the last step goes with this step's record (``tremble_start_s``,
        # ``tremble_s``): a live session's warnings are not stored, its reps are.
        last = max((r.end_s for r in self.reps if r.counted), default=float("-inf"))
        recent = [(t, v) for t, v in self._swing if last - TREMBLE_WINDOW_S <= t <= ctx.start_s]
        if recent:
            t, v = zip(*recent)
            found = [(a, b) for a, b in trembles(t, v, self.reps, self.params, self.wobble()) if b > last]
            if found:
                metrics["tremble_start_s"], metrics["tremble_s"] = found[-1][0], round(found[-1][1] - found[-1][0], 2)
        return metrics


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
