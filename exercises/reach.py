"""Forward reach, Functional-Reach style (Duncan 1990): arm up to shoulder height, reach forward
as far as possible without stepping, come back, arm down. One trial per raise of the arm.

The trial's boundaries come from the arm going up and down (elevation). The reach distance is
what the Functional Reach Test measures: the forward travel of the hand (3rd metacarpal: here the
midpoint of MediaPipe's wrist and index points) from where it was when the arm first settled at
shoulder height. In a side view this is image-horizontal travel, converted to centimetres with
the person's own body length: the standing shoulder-hip-knee-ankle chain in pixels (learned at
rest, arm down) against the same chain in metres (the ``height_m`` option x 0.779, Winter's
proportions, or else MediaPipe's world segment lengths, which on rendered video read that chain
within ~4% while the world arm and foot read 12% and 45% short). A long, vertical, in-plane
chain learned over many still frames is a far steadier ruler than the moving arm itself.
Other views fall back to world landmarks (forward is toward the camera, not in the image).
A reach out and back counts (forward, sideways or up; the hand's distance from the hip against
the person's own usual reach); one whose hand travelled forward less than ``min_reach_frac`` of
the arm (default 10%: ~6 cm, over twice the landmark jitter) is labelled ``short_range``.

``stepping`` (the trial is invalid in the FRT): a foot moved from its rest position (learned
while standing still before the trials) by a quarter of a foot length, or a heel/ankle rose by
6% of a foot length (~1.5 cm), either sustained for ``step_sustain_s`` so one frame of jitter is not
a step. In a side view only the near (best-seen) foot is used: the far foot is hidden behind it
and MediaPipe places it loosely (its heel wanders ~3 px up and down on clean trials).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coach import small_stats
from coach.geometry import norm
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from coach.views import SIDE
from exercises import arms
from exercises.calibration import DEFAULT_LENGTHS_M, RestBaseline
from exercises.counting import SignalScale
from exercises.engine import RELATIVE_PHASES, Check, RepContext, RepExercise, Sample
from exercises.measures import per_side
from exercises.lower_body import trunk_tilt_deg
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param

RAISED_DEG = 70.0  # arm "up" for the FRT distance at 70 deg (horizontal is 90, less 20 for error)
REST_DEG = 20.0
RAISED_PROGRESS = 0.9  # arm-angle progress at RAISED_DEG (what the overlay's bar shows)
DOWN_PROGRESS = 0.25  # ... under which the arm is down: the ruler and the feet learn there
SETTLED_DEG = 3.0  # the arm is "at shoulder height" within 3 deg of its level (MediaPipe jitter ~1-2 deg)

BODY_PER_HEIGHT = 0.779  # shoulder (0.818 H) to ankle (0.039 H) height, Winter's proportions


@dataclass(frozen=True)
class ReachParams(Params):
    min_reach_frac: float = param(0.10, "arm lengths", "forward hand travel under 10% of the arm (~6 cm, over twice "
                                  "the landmark jitter) is short_range", bounds=(0.02, 1))
    trunk_compensation_deg: float = param(30.0, "deg", "trunk pitch added beyond ~30 deg: the hips, not the arm, reach", bounds=(5, 80))
    elbow_bent_deg: float = param(150.0, "deg", "straight arms read 165-180; 150 means a clearly bent elbow", bounds=(90, 180))
    step_foot: float = param(0.25, "foot lengths", "FRT trial invalid: a foot moved a quarter of its length (~6.5 cm; "
                             "rest jitter is ~2-3% of a foot, clean trials under 10%)", bounds=(0.05, 1))
    heel_lift_foot: float = param(0.06, "foot lengths", "... or a heel rose ~1.5 cm (MediaPipe shows ~55% of a true heel lift)", bounds=(0.02, 0.5))
    height_m: float = param(0.0, "m", "the person's height, for reach distance in cm; 0 = from the pose model's world lengths", bounds=(0, 2.5))
    step_sustain_s: float = param(0.3, "s", "a step or a heel rise held this long is a posture (stepping), not one "
                                  "frame of jitter", bounds=(0.05, 2.0))


class Reach(RepExercise):
    phase_names = {WAITING: "waiting", REST: "arm down", OUT: "raising", TARGET: "reaching", BACK: "lowering"}
    measure_names = (*per_side("elev", "elbow", "hand_hip", "foot_vis", "foot_x", "foot_y", "heel_y"),
                     "elevation_deg", "trunk_deg", "side_view", "hand_px", "shoulder_px", "body_px",
                     "hand_x", "hand_z", "shoulder_x", "shoulder_z",
                     # The spec's key_measure, which no frame writes yet (the reach distance is read
                     # per rep, in rep_metrics): the live screen shows no number for a reach.
                     "reach_cm")
    clinical_target = 0.0  # short_range comes from the reach distance (``_short``), not the arm angle

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._body_px = RestBaseline(tau_s=4.0)  # shoulder-hip-knee-ankle chain at rest, px
        self._feet_rest = {f"{k}_{s}": RestBaseline(tau_s=4.0) for k in ("foot_x", "foot_y", "heel_y")
                           for s in ("left", "right")}
        self._foot_vis = {s: RestBaseline(tau_s=4.0) for s in ("left", "right")}

    def landmark_sets(self):
        return [arms.ARM[s] for s in arms.arm_sides(self.side)]

    def _arm_length_m(self) -> float:
        return self.calibration.length_m("upper_arm") + self.calibration.length_m("forearm")

    def _body_m(self) -> float:
        """Shoulder-to-ankle chain (trunk + thigh + shank) in metres."""
        height = self.params.height_m
        if height:
            return BODY_PER_HEIGHT * float(height)
        return sum(self.calibration.length_m(k) for k in ("trunk", "thigh", "shank"))

    def measure(self, pose: PoseFrame, view: str):
        sides = arms.readable_arms(pose, self.side) or list(arms.arm_sides(self.side))
        values = self.new_measures()
        elev = [arms.elevation_deg(pose, s) for s in sides]
        elev = [e for e in elev if np.isfinite(e)]
        if not elev:
            return float("nan"), values
        values["elevation_deg"] = float(np.mean(elev))
        for s in sides:
            values[f"elev_{s}"] = arms.elevation_deg(pose, s)
            values[f"elbow_{s}"] = arms.elbow_deg(pose, s, view, 0.0)
        values["trunk_deg"] = trunk_tilt_deg(pose, view)
        for s in sides:
            values[f"hand_hip_{s}"] = _hand_to_hip(pose, s)
        values.update(self._hand_and_feet(pose, sides, view))
        return (values["elevation_deg"] - REST_DEG) / (RAISED_DEG - REST_DEG) * RAISED_PROGRESS, values

    def _hand_and_feet(self, pose: PoseFrame, sides: list[str], view: str) -> dict[str, float]:
        """Image positions (px) of the hand, the body chain and the feet; world hand outside side view."""
        out: dict[str, float] = {"side_view": 1.0 if view == SIDE else 0.0}
        xy, arm = pose.xy_px, sides[0]
        wrist, index = int(arms.ARM[arm][2]), int(L[f"{arm.upper()}_INDEX"])
        hand = (xy[wrist] + xy[index]) / 2 if pose.visible(L(index), threshold=0.5) else xy[wrist]
        out["hand_px"], out["shoulder_px"] = float(hand[0]), float(xy[int(arms.ARM[arm][0])][0])
        chains = []
        for s in ("left", "right"):
            pts = [xy[int(L[f"{s.upper()}_{j}"])] for j in ("SHOULDER", "HIP", "KNEE", "ANKLE")]
            if pose.visible(*(L[f"{s.upper()}_{j}"] for j in ("SHOULDER", "HIP", "KNEE", "ANKLE")), threshold=0.5):
                chains.append(sum(norm(b - a) for a, b in zip(pts, pts[1:])))
        # small_stats.mean: np.mean of a few values, same floats without numpy's overhead
        out["body_px"] = small_stats.mean(chains) if chains else float("nan")
        for s in ("left", "right"):
            lms = [L[f"{s.upper()}_{j}"] for j in ("HEEL", "ANKLE", "FOOT_INDEX")]
            out[f"foot_vis_{s}"] = small_stats.mean([pose.visibility[int(lm)] for lm in lms])
            out[f"foot_x_{s}"] = small_stats.mean([xy[int(lm)][0] for lm in lms])
            out[f"foot_y_{s}"] = small_stats.mean([xy[int(lm)][1] for lm in lms])
            out[f"heel_y_{s}"] = float((xy[int(lms[0])][1] + xy[int(lms[1])][1]) / 2)  # heel and ankle
        if view != SIDE and pose.world is not None:
            w = pose.world
            out["hand_x"], out["hand_z"] = float(w[wrist][0]), float(w[wrist][2])
            out["shoulder_x"], out["shoulder_z"] = (float(v) for v in w[int(arms.ARM[arm][0])][[0, 2]])
        return out

    def after_sample(self, sample: Sample, phase: str) -> None:
        # The ruler and the feet's rest positions are learned only standing with the arm down.
        if phase not in (WAITING, REST) or sample.progress > DOWN_PROGRESS:
            return
        v = sample.values
        self._body_px.update(sample.t, v.get("body_px", np.nan))
        for s in ("left", "right"):
            if v.get(f"foot_vis_{s}", 0.0) >= 0.3:
                for k in ("foot_x", "foot_y", "heel_y"):
                    self._feet_rest[f"{k}_{s}"].update(sample.t, v.get(f"{k}_{s}", np.nan))
                self._foot_vis[s].update(sample.t, v[f"foot_vis_{s}"])

    def _m_per_px(self, ctx: RepContext) -> float:
        body_px = self._body_px.value()
        if not np.isfinite(body_px):  # never seen at rest: this rep's own frames
            _, b = ctx.series("body_px")
            body_px = float(np.median(b)) if len(b) else float("nan")
        return self._body_m() / body_px if body_px > 1e-6 else float("nan")

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {s: values[f"hand_hip_{s}"] for s in ("left", "right") if np.isfinite(values.get(f"hand_hip_{s}", np.nan))}

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        m: dict[str, float] = {}
        t_up = [s.t for s in ctx.samples if s.progress >= RAISED_PROGRESS]
        if not t_up:
            return m
        t0, t1 = t_up[0], t_up[-1]
        # The FRT start is the arm settled at shoulder height, not the moment it passes 70 deg on
        # the way up (the hand still moves ~3 cm forward from 70 to 90 deg): the first frame
        # within SETTLED_DEG of the arm's level over the trial.
        _, elev = ctx.series("elevation_deg", t0, t1)
        level = float(np.median(elev)) if len(elev) else float("nan")
        ref = next((s for s in ctx.samples if t0 <= s.t <= t1 and s.values.get("elevation_deg", -1.0) >= level - SETTLED_DEG),
                   next(s for s in ctx.samples if s.t >= t0))
        t0 = ref.t
        scale = self._m_per_px(ctx)
        side_view = ref.values.get("side_view", 0.0) > 0.5
        if side_view:
            t, hand = ctx.series("hand_px", t0, t1)
            forward = np.sign(ref.values.get("hand_px", np.nan) - ref.values.get("shoulder_px", np.nan))
            # 3-sample median: one stray frame does not make the reach.
            travel = forward * (_median3(hand) - _median3(hand)[0]) * scale
        else:
            t, hx = ctx.series("hand_x", t0, t1)
            _, hz = ctx.series("hand_z", t0, t1)
            d = np.array([ref.values.get("hand_x", np.nan) - ref.values.get("shoulder_x", np.nan),
                          ref.values.get("hand_z", np.nan) - ref.values.get("shoulder_z", np.nan)])
            if len(hx) != len(hz) or not np.linalg.norm(d) > 1e-6:
                return m
            d /= np.linalg.norm(d)
            travel = (hx - hx[0]) * d[0] + (hz - hz[0]) * d[1]
        if not len(travel) or not np.any(np.isfinite(travel)):
            return m
        i = int(np.nanargmax(travel))
        best, best_t = max(0.0, float(travel[i])), float(t[i])
        m["reach_distance_cm"] = 100.0 * best
        m["reach_time_s"] = best_t
        trunk0 = ref.values.get("trunk_deg", np.nan)
        m["trunk_lean_deg"] = ctx.extreme("trunk_deg", "max", t0, t1)[1] - trunk0
        elbows = [ctx.extreme(f"elbow_{s}", "min", best_t - 0.2, best_t + 0.2)[1] for s in arms.arm_sides(self.side)]
        elbows = [e for e in elbows if np.isfinite(e)]
        if elbows:
            m["elbow_extension_deg"] = min(elbows)
        step, lift = self._feet(ctx, scale, side_view)
        m["step_m"], m["heel_lift_m"] = step, lift
        return m

    def _feet(self, ctx: RepContext, scale: float, side_view: bool) -> tuple[float, float]:
        """(sustained foot travel, sustained heel rise) in metres over the whole trial."""
        seen = [s for s in ("left", "right") if self._feet_rest[f"foot_x_{s}"].ready]
        if side_view and seen:  # the near foot only: the far one is hidden behind it
            seen = [max(seen, key=lambda s: self._foot_vis[s].value(0.0))]
        step = lift = 0.0
        if not np.isfinite(scale):
            return step, lift
        for s in seen:
            t, x = ctx.series(f"foot_x_{s}")
            _, y = ctx.series(f"foot_y_{s}")
            _, hy = ctx.series(f"heel_y_{s}")
            if not len(t) or not len(t) == len(y) == len(hy):
                continue
            moved = np.hypot(x - self._feet_rest[f"foot_x_{s}"].value(), y - self._feet_rest[f"foot_y_{s}"].value())
            rise = self._feet_rest[f"heel_y_{s}"].value() - hy  # image y grows downwards
            step = max(step, _sustained(t, moved, self.params.step_sustain_s) * scale)
            lift = max(lift, _sustained(t, rise, self.params.step_sustain_s) * scale)
        return step, lift

    def checks(self) -> list[Check]:
        return [Check("short_range", self._short), Check("trunk_compensation", self._trunk),
                Check("elbow_bent", self._elbow), Check("stepping", self._stepping)]

    def _short(self, ctx: RepContext):
        """The hand travelled forward less than ``min_reach_frac`` of the arm (FRT distance)."""
        reach = ctx.metrics.get("reach_distance_cm", float("nan"))
        need = 100 * self.params.min_reach_frac * self._arm_length_m()
        if not np.isfinite(reach) or reach < need:
            shown = f"{reach:.0f} cm" if np.isfinite(reach) else "no forward reach at shoulder height"
            return ctx.metrics.get("reach_time_s", ctx.end_s), f"reached {shown} (aim at least {need:.0f} cm)"
        return None

    def _trunk(self, ctx: RepContext):
        lean = ctx.metrics.get("trunk_lean_deg")
        if lean is not None and np.isfinite(lean) and lean > self.params.trunk_compensation_deg:
            return ctx.metrics.get("reach_time_s", ctx.end_s), f"trunk pitched {lean:.0f} deg to reach"
        return None

    def _elbow(self, ctx: RepContext):
        e = ctx.metrics.get("elbow_extension_deg")
        if e is not None and e < self.params.elbow_bent_deg:
            return ctx.metrics.get("reach_time_s", ctx.end_s), f"elbow at {e:.0f} deg"
        return None

    def _stepping(self, ctx: RepContext):
        # Foot length from body proportions, not the world foot (MediaPipe's world foot reads
        # about half its true length on rendered video), scaled by this person's shank.
        foot = self.calibration.length_m("shank") * DEFAULT_LENGTHS_M["foot"] / DEFAULT_LENGTHS_M["shank"]
        step, lift = ctx.metrics.get("step_m", 0.0), ctx.metrics.get("heel_lift_m", 0.0)
        if step > self.params.step_foot * foot:
            return ctx.metrics.get("reach_time_s", ctx.end_s), f"a foot moved {100 * step:.0f} cm"
        if lift > self.params.heel_lift_foot * foot:
            return ctx.metrics.get("reach_time_s", ctx.end_s), f"heels came up {100 * lift:.1f} cm"
        return None


def _median3(x: np.ndarray) -> np.ndarray:
    if len(x) < 3:
        return x
    pad = np.concatenate([x[:1], x, x[-1:]])
    return np.median(np.stack([pad[:-2], pad[1:-1], pad[2:]]), axis=0)


def _sustained(t: np.ndarray, v: np.ndarray, hold_s: float) -> float:
    """The largest level ``v`` stayed at or above for ``hold_s`` (min over each window)."""
    best = 0.0
    for i in range(len(t)):
        j = np.searchsorted(t, t[i] + hold_s, side="right")
        if t[j - 1] - t[i] >= 0.8 * hold_s:
            best = max(best, float(np.min(v[i:j])))
    return best


def _hand_to_hip(pose: PoseFrame, side: str) -> float:
    """Wrist-to-hip distance over the shoulder-to-hip distance, same side, world landmarks."""
    if pose.world is None:
        return float("nan")
    w = pose.world
    up = side.upper()
    wrist, shoulder, hip = (w[int(L[f"{up}_{j}"])] for j in ("WRIST", "SHOULDER", "HIP"))
    trunk = float(np.linalg.norm(shoulder - hip))
    return float(np.linalg.norm(wrist - hip) / trunk) if trunk > 1e-6 else float("nan")


SPEC = ExerciseSpec(
    name="reach", label="Reaching", machine=Reach, params=ReachParams,
    # Hand-to-hip distance over the trunk length (world landmarks, so any view): ~0.4 with the
    # arm hanging, ~1.2 at shoulder height in front, ~1.9 overhead. Under 0.3 is not a reach.
    scale=SignalScale("trunk lengths", min_range=0.3, expected_range=0.8),
    phases=RELATIVE_PHASES, count_on="end", incomplete_fault="short_range",
    faults=("short_range", "trunk_compensation", "elbow_bent", "stepping"),
    setup=SetupNeeds(("head", "trunk", "legs", "feet", "hands"), "side"),
    equipment="Space in front of you to reach forward",
    steps=("Stand side-on to the camera, feet still, arm up at shoulder height.",
           "Reach forward as far as you safely can without stepping.",
           "Come back upright."),
    variants=("seated", "standing", "beyond-arm"), default_variant="standing",
    synth_script="reach", sided=True, limb="arm", key_measure="elevation_deg", key_unit="deg", rep_noun=("reach", "reaches"),
    said_as="reaches", amplitude_metric="reach_distance_cm", motion_family="arms")

