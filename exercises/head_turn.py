"""Head turns for gaze stabilisation (vestibular rehab): turning the head left and right, or
nodding up and down, any view that sees the face and shoulders, seated or standing.

The head's yaw and pitch come from the face points in the picture (``head_angles_deg``): how far
the nose sits off the ears' midpoint, sideways (a turn; positive toward the person's left) and up
or down (a nod; positive chin up), in shoulder widths, scaled by this person's own head shape from
the 3D landmarks. A trunk that turns along with the head reads as a head turn (the picture cannot
tell them apart). From the side only left-right turns are read, from the 3D landmarks. Each turn
to one side (left, right, up, down) and back to the middle is one rep of that direction (``rep.side``), counted like every other exercise relative to this person's own
range (``exercises.counting``: their own middle and their own usual turn); the rep's metric
``range_deg`` is the peak angle from their own middle. A turn short of ``target_deg`` is still a
rep (the person's own range decides) and gets ``short_range``.

CLINICAL.md has no values for head-turn range or pace; the thresholds are screening defaults.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.calibration import QuietWindow, RestBaseline
from exercises.counting import SignalScale, fixed_levels
from exercises.engine import RELATIVE_PHASES, RepContext, RepExercise, Sample
from exercises.notices import replay
from exercises.phases import BACK, OUT, REST, TARGET, WAITING
from exercises.spec import ExerciseSpec, Params, SetupNeeds, param

FACE = (L.LEFT_EAR, L.RIGHT_EAR, L.NOSE, L.LEFT_SHOULDER, L.RIGHT_SHOULDER)


@dataclass(frozen=True)
class HeadTurnParams(Params):
    """CLINICAL.md has no values for head turns; screening defaults."""

    target_deg: float = param(20.0, "deg", "gaze-stabilisation head turns are small, ~20-30 deg each way; under "
                              "20 deg is labelled short_range (still counted when it is this person's usual turn)", bounds=(5, 80))
    target_margin_deg: float = param(
        4.0, "deg", "a turn within this of the target meets it: the turn is read from the nose's offset between "
        "the ears in one camera view, whose error is several degrees (CLINICAL.md: single-camera angle errors "
        "of 6-15 deg); without it turns at 80-99% of the target were labelled short", bounds=(0, 20))
    learn_middle_after_s: float = param(
        2.0, "s", "the person's straight ahead (and head carriage) is learned from still moments only after this "
        "long: a recording or camera that starts mid-turn makes the first pause the far end of a turn, and "
        "learned there every later turn to that side read as facing ahead (a real clip seen at 14 frames a "
        "second: 4 of 10 turns counted live, its right turns all lost); by then turns to both sides have "
        "centred the median that stands in until the middle is learned", bounds=(0, 10))


# The nose tip sits ~10 cm ahead of the ear axis; shoulders are ~37 cm apart: seen from the front,
# a head turned by an angle a moves the nose sideways off the ears' midpoint by ~0.27 sin(a)
# shoulder widths (and up or down by the same for a nod). The person's own share is read from the
# 3D landmarks when they are there (``nose_share``): a length, the same whichever way the head turns.
NOSE_SHOULDER_SHARE = 0.27
NOSE_SHARE_RANGE = (0.18, 0.40)  # outside this the 3D reading is not a head's shape: the default is used


def nose_share(pose: PoseFrame) -> float:
    """How far the nose sits ahead of the ears' midpoint, horizontally, in shoulder widths (3D)."""
    if pose.world is None:
        return float("nan")
    w = pose.world
    v = w[int(L.NOSE)] - (w[int(L.LEFT_EAR)] + w[int(L.RIGHT_EAR)]) / 2
    width = float(np.linalg.norm(w[int(L.LEFT_SHOULDER)] - w[int(L.RIGHT_SHOULDER)]))
    share = float(np.hypot(v[0], v[2])) / width if width > 1e-6 else float("nan")
    lo, hi = NOSE_SHARE_RANGE
    return share if lo <= share <= hi else float("nan")


def head_angles_deg(pose: PoseFrame, view: str, share: float = NOSE_SHOULDER_SHARE) -> tuple[float, float]:
    """(yaw, pitch) of the head in degrees (+ toward the person's left, + chin up).

    Front and oblique views read them from the picture: the nose off the ears' midpoint, in
    shoulder widths (MediaPipe's picture landmarks follow a turned face; its 3D "world" ears and
    nose barely move: a 45 deg turn reads 1-9 deg there). Seen from the side, the yaw falls back to
    the world landmarks (``head_yaw_world_deg``) and no nod is read (a turn toward the camera
    shortens the profile's ears-to-nose line like a nod would): the set-up asks for a front view."""
    px = pose.xy_px
    nose = px[int(L.NOSE)]
    ears = (px[int(L.LEFT_EAR)] + px[int(L.RIGHT_EAR)]) / 2
    if view == "side":
        return head_yaw_world_deg(pose), float("nan")
    across = px[int(L.LEFT_SHOULDER)] - px[int(L.RIGHT_SHOULDER)]  # toward the person's left, in the picture
    width = float(np.linalg.norm(across))
    if not width > 1e-6:
        return float("nan"), float("nan")
    sideways = float(np.dot(nose - ears, across / width)) / width
    upward = float(ears[1] - nose[1]) / width  # picture y grows downwards

    def angle(offset: float) -> float:
        return float(np.degrees(np.arcsin(np.clip(offset / share, -1.0, 1.0))))

    return angle(sideways), angle(upward)


def head_yaw_world_deg(pose: PoseFrame) -> float:
    """Head yaw relative to the shoulders (deg; + toward the person's left), world landmarks."""
    if pose.world is None:
        return float("nan")
    w = pose.world
    ears = w[int(L.LEFT_EAR)] - w[int(L.RIGHT_EAR)]
    shoulders = w[int(L.LEFT_SHOULDER)] - w[int(L.RIGHT_SHOULDER)]
    a = np.array([ears[0], ears[2]])
    b = np.array([shoulders[0], shoulders[2]])
    if not (np.linalg.norm(a) > 1e-6 and np.linalg.norm(b) > 1e-6):
        return float("nan")
    # MediaPipe world: x right, y down, z away from the camera; seen from above, turning toward the
    # person's left turns the ear line (right ear -> left ear) that way from the shoulder line.
    cross = b[0] * a[1] - b[1] * a[0]
    return float(np.degrees(np.arctan2(cross, float(np.dot(a, b)))))


DIRECTIONS = ("left", "right", "up", "down")
SHARE_FRAMES = 150  # the person's nose share: the median of the last ~5 s


class HeadTurn(RepExercise):
    phase_names = {WAITING: "waiting", REST: "facing ahead", OUT: "turning", TARGET: "turned", BACK: "turning back"}
    measure_names = ("yaw_deg", "pitch_deg", "turn_deg", "left_deg", "right_deg", "up_deg", "down_deg")
    side_names = DIRECTIONS

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        p = self.params  # short_range below the target less the measurement's margin (not the count)
        self.clinical_target = max(p.target_deg - p.target_margin_deg, 1.0) / p.target_deg
        self.middle = RestBaseline(tau_s=4.0)  # this person's "straight ahead" (yaw), learned when still
        self.level = RestBaseline(tau_s=4.0)  # ... and their usual head carriage (pitch)
        self.quiet = QuietWindow(window_s=0.4, tolerance=2.0)
        self.quiet_pitch = QuietWindow(window_s=0.4, tolerance=2.0)
        self._quiet = False
        self._shares: deque[float] = deque(maxlen=SHARE_FRAMES)
        self._yaws: deque[float] = deque(maxlen=SHARE_FRAMES)  # until the middle is learned: their median
        self._all_yaws: list[float] = []  # the whole recording's (file mode hands them to its second pass)
        self._recording_middle: float | None = None  # file mode's second pass: the whole recording's median
        self._first_t: float | None = None  # the first sample's time (learn_middle_after_s counts from it)

    def landmark_sets(self):
        return [FACE]

    def measure(self, pose: PoseFrame, view: str):
        share = nose_share(pose)
        if np.isfinite(share):
            self._shares.append(share)
        yaw, pitch = head_angles_deg(pose, view, float(np.median(self._shares)) if self._shares
                                     else NOSE_SHOULDER_SHARE)
        values = self.new_measures({"yaw_deg": yaw, "pitch_deg": pitch})
        if not np.isfinite(yaw):
            return float("nan"), values
        self._yaws.append(yaw)
        self._all_yaws.append(yaw)
        # Until this person's middle is learned (still, facing ahead), the median of what was seen:
        # turns to both sides and back centre on it. A recording that starts mid-turn would put the
        # middle at that turn; file mode's second pass knows the whole recording's median instead.
        unlearned = self._recording_middle if self._recording_middle is not None else float(np.median(self._yaws))
        mid = self.middle.value(unlearned)
        values["turn_deg"] = yaw - mid
        values["left_deg"] = max(yaw - mid, 0.0)
        values["right_deg"] = max(mid - yaw, 0.0)
        nod = 0.0
        if np.isfinite(pitch):
            level = self.level.value(pitch)
            values["up_deg"] = max(pitch - level, 0.0)
            values["down_deg"] = max(level - pitch, 0.0)
            nod = abs(pitch - level)
        return max(abs(yaw - mid), nod) / self.params.target_deg, values

    def signals(self, values: dict[str, float]) -> dict[str, float]:
        return {d: values[f"{d}_deg"] for d in DIRECTIONS if f"{d}_deg" in values}

    def second_pass(self, poses) -> "HeadTurn":
        """File mode: the person's middle is the whole recording's median yaw from the first frame
        on (a recording that starts mid-turn would otherwise take that turn as the middle). The
        counting levels are learned from a causal pass with that middle, so both read alike."""
        if not self._all_yaws:
            return super().second_pass(poses)
        middle = float(np.median(self._all_yaws))
        causal = type(self)(self.spec, side=self.side, params=self.params)
        causal._recording_middle = middle
        replay(causal, poses, self._last_t)
        again = type(self)(self.spec, side=self.side, params=self.params, levels=fixed_levels(causal.trace, self.scale))
        again._recording_middle = middle
        return replay(again, poses, self._last_t)

    def settled(self, sample: Sample) -> bool:
        still_yaw = self.quiet.update(sample.t, sample.values["yaw_deg"])
        pitch = sample.values.get("pitch_deg", float("nan"))
        still_pitch = self.quiet_pitch.update(sample.t, pitch) if np.isfinite(pitch) else True
        self._quiet = still_yaw and still_pitch
        return self._quiet and sample.progress < self.config.start

    def after_sample(self, sample: Sample, phase: str) -> None:
        self._first_t = sample.t if self._first_t is None else self._first_t
        if sample.t - self._first_t < self.params.learn_middle_after_s:
            return
        if self._quiet and phase in (WAITING, REST) and sample.progress < self.config.start:
            self.middle.update(sample.t, sample.values["yaw_deg"])
            if np.isfinite(sample.values.get("pitch_deg", float("nan"))):
                self.level.update(sample.t, sample.values["pitch_deg"])

    def diagnosis(self) -> list[str]:
        out = super().diagnosis()
        if not any(r.counted for r in self.reps) and self.views.view == "side":
            out.append("Head turns are read from the front: put the camera in front of you, at face height")
        return out

    def rep_metrics(self, ctx: RepContext) -> dict[str, float]:
        m: dict[str, float] = {}
        for s in DIRECTIONS:
            t, v = ctx.extreme(f"{s}_deg", "max")
            if np.isfinite(v) and v > 0:
                m[f"{s}_range_deg"] = v
        m["range_deg"] = max(m.values(), default=float("nan"))
        m["duration_s"] = ctx.end_s - ctx.start_s
        return m


SPEC = ExerciseSpec(
    name="head-turn", label="Head turns", machine=HeadTurn, params=HeadTurnParams,
    # Turn from the own middle, per direction. Under 10 deg is a glance or landmark jitter; a
    # gaze-stabilisation turn is ~20-30 deg each way (the live prior before the person's own range).
    scale=SignalScale("deg", min_range=10.0, expected_range=25.0),
    phases=replace(RELATIVE_PHASES, start=0.25, rest=0.2, attempt_min=0.25),
    count_on="end", incomplete_fault="short_range", faults=("short_range",),
    setup=SetupNeeds(("head", "trunk"), "front", min_height_share=0.2,
                     reminders=("Sit down for this one if turning your head makes you dizzy.",)),
    equipment="A target on the wall at eye level (a sticky note) to keep your eyes on",
    steps=("Sit or stand tall, facing the camera, eyes on your target.",
           "Turn your head slowly to one side, as far as is comfortable.",
           "Come back to the middle, then turn to the other side."),
    variants=("seated, slow", "seated, faster", "seated, up and down", "standing", "standing, feet together"),
    default_variant="seated, slow",
    synth_script="head_turn", sided=True, limb="head turn", key_measure="turn_deg", key_unit="deg",
    rep_noun=("head turn", "head turns"), cues=(("short_range", "Turn a little further, eyes on the target"),),
    said_as="head turns", amplitude_metric="range_deg", motion_family=None)
