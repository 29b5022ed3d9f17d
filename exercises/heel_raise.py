"""Heel raise (calf raise), side or front view: heels up past a threshold and back down.

Counting signal: how far the whole body rises (``exercises.body_rise``): ankles, knees, hips,
shoulders and head all go up by the same few centimetres while the toes stay down, so a dozen
points weighted by how well each is seen carry a raise that one foot landmark loses in jitter,
in a side view with the far leg hidden, with the upper body out of the picture, or seen from
behind. It is read only while the feet stay planted (walking or turning round bobs the body
too). A bilateral raise is one movement of the body, never "one leg only".

Clinical measure (lift height, faults): how far the KNEE rises above the toes (which stay on the
floor), as a fraction of the person's own knee height above the toes at rest (learned while standing still). Why the knee and
not the heel: on rendered video MediaPipe's foot landmarks barely follow the heel (about 30-50%
of the true lift in a front view, 50-80% from the side, almost nothing in world coordinates),
while the knee, a large well-tracked joint, rises with the ankle by ~3/4 of the heel lift (the
foot turns about the ball) in every view. Image-vertical rise reads the same from the side and
the front for a level camera, and dividing by the person's own rest knee height makes it
independent of distance and body size.

The thresholds are in heel lift as a fraction of foot length (knee height and foot length from
the person's own calibration), so they scale with the person: a rep counts above 7% of foot
length (~2 cm for a 26 cm foot, clearly more than a twitch) and 18% (~4.7 cm) is a full raise;
counted reps below ``heel_low_share`` of that get ``heel_low``, as do reps well below this person's own usual
lift (see ``low_vs_own``). CLINICAL.md has no published lift height; these are screening defaults.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from coach.geometry import joint_angle
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from coach.views import SIDE, classify_view
from exercises.body_rise import BodyRise
from exercises.calibration import DEFAULT_LENGTHS_M, QuietWindow, RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise, Sample
from exercises.measures import per_side
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param
from exercises.window_stats import SortedWindow

FOOT = {s: tuple(L[f"{s.upper()}_{p}"] for p in ("KNEE", "ANKLE", "HEEL", "FOOT_INDEX")) for s in ("left", "right")}
# Which numbers stay module constants: body proportions (unit conversions), how the floor, the rest
# level and the rise/lowering times are read (estimation windows, percentiles, the timing band the
# no_control limits are stated in) and what MediaPipe can be trusted with (visibility); none of
# them is a limit a physio sets. Every count and fault threshold is a ``HeelRaiseParams`` field.
# The knee rises with the ankle, ~3/4 as much as the heel when the foot turns about the ball.
SIGNAL_PER_HEEL_LIFT = 0.75
# Knee joint height above the floor over shank length (Winter's tables: knee 0.285 of height,
# shank 0.246): converts the calibrated shank into this person's rest knee height.
KNEE_HEIGHT_PER_SHANK = 1.16
QUIET_PROGRESS = 0.22  # clinical progress under which the heels are down (baselines learn there)
SETTLE_S = 0.6  # the rep ends where the heels bottom out (no re-trigger on the tail)
TIMING_BAND = (0.2, 0.8)  # rise/lowering timed over 20% -> 80% of the rep's peak lift
FLOOR_WINDOW_S = 3.0  # a raise and its lowering take ~1-2 s: 3 s always hold the foot flat
FLOOR_PERCENTILE = 50.0  # the median: MediaPipe toe points jitter both ways

CAMERA_JUMP_SHANK = 0.5  # the toe moved half a shank between two frames: the camera moved
# Side view: the legs overlap in the image and MediaPipe's visibility for them, near leg
# included, drops to 0.3-0.6 for long stretches (it scores how un-occluded a point looks, not
# how well it is placed). Measured on rendered side-view clips (heel raise, reach, squat,
# sit-to-stand), knee/ankle/heel/toe positions at visibility 0.3-0.6 are as close to the truth
# as at 0.9 (median error 2-13% of the shank either way), so 0.5 throws good frames away. Under
# 0.3 there are too few frames to say; 0.3 keeps a margin over guesses.
SIDE_VIEW_MIN_VISIBILITY = 0.3


@dataclass(frozen=True)
class HeelRaiseParams(Params):
    """CLINICAL.md has no published lift height; these are screening defaults."""

    count_lift_foot: float = param(0.07, "foot lengths", "~2 cm for a 26 cm foot, clearly more than a twitch; "
                                   "a counted raise lower than this gets heel_low", bounds=(0.02, 0.3))
    full_lift_foot: float = param(0.18, "foot lengths", "a full raise (~4.7 cm); counted reps under heel_low_share "
                                  "of it get heel_low", bounds=(0.05, 0.5))
    heel_low_share: float = param(0.75, "share of a full raise", "a counted raise under this share of full_lift_foot is "
                                  "heel_low: a quarter short is allowed for landmark noise", bounds=(0.3, 1.0))
    lifted_foot_shank: float = param(0.3, "shank lengths", "one toe this much higher in the picture than the other: "
                                     "that foot is held up (a one-leg raise; the other leg does the work)",
                                     bounds=(0.1, 1.0))
    low_vs_own: float = param(0.6, "share of own usual lift", "a raise under 60% of this person's median lift so far is heel_low", bounds=(0, 1))
    knee_bend_limit_deg: float = param(15.0, "deg", "knee flexion added during the raise (side view)", bounds=(3, 60))
    sway_limit_shank: float = param(0.3, "shank lengths", "shoulders moved over the feet by 0.3 shank (~12 cm)", bounds=(0.05, 1.5))
    asymmetry_limit: float = param(0.35, "share of the other heel's lift", "one heel lifts 35% less than the other (front view)", bounds=(0.05, 0.9))
    no_control_down_s: float = param(
        0.2, "s", "heels dropped, not lowered: the middle 60% of the lowering under 0.2 s (~0.5 s for the whole "
        "drop; a controlled lowering takes 1-2 s) and ...", bounds=(0.05, 2))
    no_control_ratio: float = param(0.5, "lowering / rise time", "... under half the rise time, or ...", bounds=(0.1, 1))
    no_control_vs_own: float = param(
        0.6, "share of own usual lowering", "... under 60% of this person's usual lowering: video blurs a true "
        "drop (0.09 s reads ~0.2 s) but half the usual time stands out", bounds=(0.1, 1))
    max_feet_travel_shank: float = param(0.4, "shank lengths", "toes must stay put; more is a step", bounds=(0.1, 2))


class HeelRaise(RepExercise):
    phase_names = {WAITING: "waiting", REST: "heels down", OUT: "rising", TARGET: "top", BACK: "lowering"}
    measure_names = (*per_side("held_up", "toe_y", "knee_h", "raw", "lift", "knee", "toe_x", "shank_now"),
                     "shank_px", "body_rise", "sway", "lift_pct_foot")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clinical_target = self.params.count_lift_foot / self.params.full_lift_foot
        self.baseline = {s: RestBaseline(tau_s=4.0) for s in ("left", "right")}
        self.quiet = QuietWindow(window_s=0.4, tolerance=0.02)  # 2% of knee height (~1 cm): still
        self.knee_height = {s: RestBaseline(tau_s=4.0) for s in ("left", "right")}  # px, at rest
        self.floor = {s: RestBaseline(tau_s=4.0) for s in ("left", "right")}  # toe image y at rest
        self._toe_history: dict[str, deque[tuple[float, float, float]]] = {}
        # The same windows' toe x and y, sorted: their median and percentile without sorting each frame.
        self._toe_sorted: dict[str, tuple[SortedWindow, SortedWindow]] = {}
        self._peaks: list[float] = []  # peak progress of the counted reps so far
        self._lowers: list[float] = []  # lowering times of the earlier reps
        self.body = BodyRise()

    def _sides(self) -> tuple[str, ...]:
        return ("left", "right") if self.side in ("both", "auto") else (self.side,)

    def landmark_sets(self):
        return [FOOT[s] for s in self._sides()]

    @staticmethod
    def _foot_shank_ratio() -> float:
        # Body proportions (Winter), not the world-landmark foot: MediaPipe's world foot is
        # unreliable (about half its true length on rendered video) while the shank holds.
        return DEFAULT_LENGTHS_M["foot"] / DEFAULT_LENGTHS_M["shank"]

    def _full_rise(self) -> float:
        """A full heel raise as a fraction of the rest knee height (knee rise / knee height)."""
        return self.params.full_lift_foot * self._foot_shank_ratio() * SIGNAL_PER_HEEL_LIFT / KNEE_HEIGHT_PER_SHANK

    def _side_view(self, pose: PoseFrame) -> bool:
        return self.views.view == SIDE or classify_view(pose) == SIDE

    def min_visibility(self, pose: PoseFrame) -> float:
        return SIDE_VIEW_MIN_VISIBILITY if self._side_view(pose) else super().min_visibility(pose)

    def _used_sides(self, pose: PoseFrame, view: str) -> tuple[tuple[str, ...], float]:
        """Sides to measure and their visibility gate. Side view: the best-seen (near) leg only;
        the far leg is hidden behind it and its points are at best copies of the near one."""
        if view == SIDE or (view != "front" and self._side_view(pose)):
            near = max(self._sides(), key=lambda s: min(pose.visibility[int(lm)] for lm in FOOT[s]))
            return (near,), SIDE_VIEW_MIN_VISIBILITY
        return self._sides(), 0.5

    def measure(self, pose: PoseFrame, view: str):
        xy = pose.xy_px
        values = self.new_measures()
        lifts = []
        full = self._full_rise()
        sides, gate = self._used_sides(pose, view)
        lifted = _lifted_foot(xy, self.params.lifted_foot_shank) if len(sides) == 2 else None
        if lifted is not None:
            values[f"held_up_{lifted}"] = 1.0  # a one-leg raise: the other leg works
        all_planted = True
        for s in sides:
            knee, ankle, heel, toe = (xy[int(lm)] for lm in FOOT[s])
            shank = np.linalg.norm(knee - ankle)
            if not shank > 1e-6 or not pose.visible(*FOOT[s], threshold=gate) or s == lifted:
                continue
            # Knee above the floor, pixels (image y grows downwards). The floor is the toes' rest
            # level, not the toes of this frame: MediaPipe's foot points jitter by a few pixels
            # (as much as a low raise lifts the knee) while the toes truly stay put.
            values[f"toe_y_{s}"] = toe[1]
            _, planted = self._floor_now(s, pose.timestamp_s, toe, shank)
            all_planted &= planted  # a foot on the move (stepping, turning round) is no heel raise
            height = self.floor[s].value(toe[1]) - knee[1]
            values[f"knee_h_{s}"] = height
            ref = self.knee_height[s].value(height)
            raw = height / ref
            values[f"raw_{s}"] = raw
            base = self.baseline[s].value(raw)
            values[f"lift_{s}"] = (raw - base) / full
            values[f"knee_{s}"] = joint_angle(pose, f"{s}_knee", "image")
            values[f"toe_x_{s}"] = toe[0]  # pixels; judged against the rep's own shank length
            values[f"shank_now_{s}"] = shank
            lifts.append(values[f"lift_{s}"])
            values["shank_px"] = ref / KNEE_HEIGHT_PER_SHANK
        if not lifts:
            return float("nan"), values
        if all_planted:
            rise = self.body.update(pose)
            if np.isfinite(rise):
                values["body_rise"] = rise
        else:  # the feet moved (a step, turning round, a knocked camera): a new stance, learned afresh
            self.body.reset()
        progress = float(np.mean(lifts))
        mid_sh = (xy[int(L.LEFT_SHOULDER)][0] + xy[int(L.RIGHT_SHOULDER)][0]) / 2
        toes = np.mean([xy[int(FOOT[s][3])][0] for s in sides])
        values["sway"] = (mid_sh - toes) / values["shank_px"]
        values["lift_pct_foot"] = 100.0 * progress * self.params.full_lift_foot
        return progress, values

    def _floor_now(self, side: str, t: float, toe: np.ndarray, shank_px: float) -> tuple[float, bool]:
        """(floor height under this foot, whether the foot is planted).

        The floor is the low toe position (image y is down: a high percentile) of the last
        ``FLOOR_WINDOW_S``, the toe planted: MediaPipe's toe point
        often rises with the heel (it follows the foot's outline), so the toe of this very frame
        would cancel the raise; a camera that drifts is followed. Planted: the toe is within
        ``max_feet_travel_shank`` of its median position sideways."""
        buf = self._toe_history.setdefault(side, deque())
        xs, ys = self._toe_sorted.setdefault(side, (SortedWindow(), SortedWindow()))
        if buf and np.hypot(toe[0] - buf[-1][1], toe[1] - buf[-1][2]) > CAMERA_JUMP_SHANK * shank_px:
            buf.clear()  # the whole picture jumped (camera knocked): a new floor
            xs.clear()
            ys.clear()
        entry = (t, float(toe[0]), float(toe[1]))
        buf.append(entry)
        xs.add(entry[1])
        ys.add(entry[2])
        while buf and buf[0][0] < t - FLOOR_WINDOW_S:
            _, x, y = buf.popleft()
            xs.remove(x)
            ys.remove(y)
        x_mid = xs.median()  # = np.median / np.percentile of the window, bit for bit
        floor = ys.percentile(FLOOR_PERCENTILE)
        return floor, abs(toe[0] - x_mid) <= self.params.max_feet_travel_shank * shank_px

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        # One signal for the body; a single-leg raise on a named side is that side's.
        name = self.side if self.side in ("left", "right") else "body"
        return {name: values["body_rise"]} if "body_rise" in values else {}

    def _moved_sides(self, samples) -> tuple[str, ...]:
        """The leg(s) that worked: the standing leg when the other foot was held up most of the
        rep (a one-leg raise), else both (a bilateral raise moves the whole body, whichever leg
        the camera sees)."""
        if self.side in ("left", "right"):
            return (self.side,)
        for side, other in (("left", "right"), ("right", "left")):
            if sum(f"held_up_{other}" in s.values for s in samples) > 0.5 * len(samples):
                return (side,)
        return ("left", "right")

    def settled(self, sample: Sample) -> bool:
        raws = [sample.values.get(f"raw_{s}", np.nan) for s in self._sides()]
        self._quiet = self.quiet.update(sample.t, float(np.nanmean(raws)) if np.any(np.isfinite(raws)) else np.nan)
        return self._quiet and sample.progress < QUIET_PROGRESS

    def after_sample(self, sample: Sample, phase: str) -> None:
        # Learn "heels down" only when still and not mid-raise.
        if getattr(self, "_quiet", False) and phase in (WAITING, REST) and sample.progress < QUIET_PROGRESS:
            for s in self._sides():
                if f"raw_{s}" in sample.values:
                    self.baseline[s].update(sample.t, sample.values[f"raw_{s}"])
                    self.knee_height[s].update(sample.t, sample.values[f"knee_h_{s}"])
                    self.floor[s].update(sample.t, sample.values[f"toe_y_{s}"])

    def rep_invalid(self, ctx: RepContext) -> str | None:
        for s in self._sides():
            _, x = ctx.series(f"toe_x_{s}", ctx.start_s, ctx.end_s)
            _, shank = ctx.series(f"shank_now_{s}", ctx.start_s, ctx.end_s)
            # In pixels against the median shank of the rep itself: the scale of this picture
            # (a cut or a moved camera changes it), robust to a few wild frames.
            if len(x) > 2 and np.percentile(x, 95) - np.percentile(x, 5) > self.params.max_feet_travel_shank * np.median(shank):
                return "Not counted: the feet moved"
        return None

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        shank_cm = 100.0 * self.calibration.length_m("shank")
        foot_cm = shank_cm * self._foot_shank_ratio()
        peak_t, peak = ctx.extreme("lift_pct_foot", "max")
        m = {"lift_pct_foot": peak, "lift_height_cm": peak / 100.0 * foot_cm}
        t, p = np.array([s.t for s in ctx.samples]), np.array([s.progress for s in ctx.samples])
        top = t[p >= 0.8 * ctx.peak] if len(p) else np.array([])
        if len(top):
            m["hold_s"] = float(top[-1] - top[0])
            # Rise and lowering over the middle of the travel, 20% -> 80% of this rep's peak and
            # back: where the heel actually moves. The rep's start/end are backdated/settled
            # (onset, bottoming out), so "start to top" mixes in the slow tails and the smoother's lag.
            lo, hi = TIMING_BAND[0] * ctx.peak, TIMING_BAND[1] * ctx.peak
            ipk = int(np.argmax(p))
            up_lo, up_hi = _crossing(t[:ipk + 1], p[:ipk + 1], lo), _crossing(t[:ipk + 1], p[:ipk + 1], hi)
            dn_hi, dn_lo = (_crossing(t[ipk:][::-1], p[ipk:][::-1], v) for v in (hi, lo))
            if np.isfinite(up_lo) and np.isfinite(up_hi):
                m["rise_time_s"] = float(up_hi - up_lo)
            if np.isfinite(dn_lo) and np.isfinite(dn_hi):
                m["lower_time_s"] = float(dn_lo - dn_hi)
        sides = [s for s in self._sides() if ctx.series(f"lift_{s}")[1].size]
        if len(sides) == 2:
            peaks = [ctx.extreme(f"lift_{s}", "max")[1] * self.params.full_lift_foot * foot_cm for s in sides]
            m["lift_lr_diff_cm"] = peaks[0] - peaks[1]
        _ = shank_cm, peak_t
        return m

    def checks(self) -> list[Check]:
        return [
            Check("heel_low", self._heel_low),
            Check("knee_bend", self._knee_bend),
            Check("trunk_sway", self._sway),
            Check("asymmetry", self._asymmetry),
            Check("no_control", self._no_control),
        ]

    def _heel_low(self, ctx: RepContext):
        # Against the absolute aim (full lift is 1.0; heel_low_share of it is enough) and against
        # this person's own usual lift: one clearly lower raise stands out even when the
        # camera attenuates every lift.
        own = float(np.median(self._peaks)) if self._peaks else float("nan")
        if ctx.reached:
            self._peaks.append(ctx.peak)
        if not ctx.reached:
            return None
        t, v = ctx.extreme("lift_pct_foot", "max")
        if ctx.peak < self.params.heel_low_share:
            return t, f"heels up {v:.0f}% of foot length (aim {100 * self.params.full_lift_foot:.0f}%)"
        if np.isfinite(own) and ctx.peak < self.params.low_vs_own * own:
            return t, f"heels up {ctx.peak / own:.0%} of your usual raise"
        return None

    def _knee_bend(self, ctx: RepContext):
        worst = None
        for s in self._sides():
            t, k = ctx.series(f"knee_{s}")
            if len(k) < 2:
                continue
            bend = k[0] - k
            i = int(np.argmax(bend))
            if bend[i] > self.params.knee_bend_limit_deg and (worst is None or bend[i] > worst[1]):
                worst = (float(t[i]), float(bend[i]))
        return (worst[0], f"knee bent {worst[1]:.0f} deg during the raise") if worst else None

    def _sway(self, ctx: RepContext):
        t, v = ctx.series("sway")
        if len(v) < 2:
            return None
        d = np.abs(v - v[0])
        i = int(np.argmax(d))
        return (float(t[i]), f"body moved {d[i]:.2f} shank lengths over the feet") if d[i] > self.params.sway_limit_shank else None

    def _asymmetry(self, ctx: RepContext):
        if self.side not in ("both", "auto") or (self.side == "auto" and len(ctx.sides) < 2):
            return None  # one leg working (or asked for): no left/right comparison
        (tl, l), (tr, r) = ctx.extreme("lift_left", "max"), ctx.extreme("lift_right", "max")
        if not (np.isfinite(l) and np.isfinite(r)) or max(l, r) <= 0:
            return None
        if min(l, r) < (1 - self.params.asymmetry_limit) * max(l, r):
            weak = "left" if l < r else "right"
            return (tl if l > r else tr), f"{weak} heel lifted {min(l, r) / max(l, r):.0%} of the other"
        return None

    def _no_control(self, ctx: RepContext):
        down, up = ctx.metrics.get("lower_time_s"), ctx.metrics.get("rise_time_s")
        if down is None or not np.isfinite(down):
            return None
        own = float(np.median(self._lowers)) if self._lowers else float("nan")
        self._lowers.append(down)
        if up and down < self.params.no_control_down_s and down < self.params.no_control_ratio * up:
            return ctx.end_s, f"heels dropped in {down:.2f} s"
        if np.isfinite(own) and down < self.params.no_control_vs_own * own:
            return ctx.end_s, f"heels dropped in {down:.2f} s, {down / own:.0%} of your usual lowering"
        return None


def _crossing(t: np.ndarray, v: np.ndarray, level: float) -> float:
    """Time of the LAST upward crossing of ``level`` in (t, v), linearly interpolated; NaN if none.
    Called on the rise as is and on the lowering time-reversed (so the last crossing going down)."""
    idx = np.nonzero((v[:-1] < level) & (v[1:] >= level))[0]
    if not len(idx):
        return float("nan")
    i = int(idx[-1])
    f = (level - v[i]) / (v[i + 1] - v[i])
    return float(t[i] + f * (t[i + 1] - t[i]))


SPEC = ExerciseSpec(
    name="heel-raise", label="Heel raise", machine=HeelRaise, params=HeelRaiseParams,
    # Knee height above the floor under the toes in shank lengths, per leg (the toes stay on the
    # floor, so the knee rises with the heel). A 5 cm lift raises it ~0.09; under 0.025 is jitter.
    scale=SignalScale("shank lengths", min_range=0.025, expected_range=0.09),
    phases=replace(RELATIVE_PHASES, settle_s=SETTLE_S),
    count_on="end", incomplete_fault="heel_low",
    faults=("heel_low", "knee_bend", "trunk_sway", "asymmetry", "no_control"),
    setup=SetupNeeds(("head", "trunk", "legs", "feet"), "side", reminders=("Hold on to a counter or a sturdy chair",)),
    equipment="A counter or chair back to hold on to",
    steps=("Stand tall, holding the counter or chair back.",
           "Rise up onto your toes as high as is comfortable.",
           "Lower your heels slowly to the floor."),
    variants=("double-leg", "single-leg"), default_variant="double-leg",
    synth_script="heel_raise", sided=True, limb="leg", key_measure="lift_pct_foot", key_unit="% of foot", rep_noun=("heel raise", "heel raises"),
    said_as="heel raises", amplitude_metric="lift_height_cm", motion_family="heels")


def _lifted_foot(xy: np.ndarray, lifted_foot_shank: float) -> str | None:
    """The side whose foot is off the floor (a one-leg heel raise), or None: its toe is higher in
    the picture than the other by ``lifted_foot_shank`` shanks. That leg rises with the body
    on every raise without doing one."""
    toes = {s: xy[int(FOOT[s][3])][1] for s in ("left", "right")}
    shank = np.mean([np.linalg.norm(xy[int(FOOT[s][0])] - xy[int(FOOT[s][1])]) for s in ("left", "right")])
    if not shank > 1e-6:
        return None
    high = min(toes, key=toes.get)
    low = "right" if high == "left" else "left"
    return high if toes[low] - toes[high] > lifted_foot_shank * shank else None

