"""Timed Up and Go (Podsiadlo & Richardson 1991) from a side or oblique camera that sees the chair
and the 3 m path: the time from the start of the rise to the buttocks back on the seat, with its
phases (stand-up, walk out, turn, walk back, sit-down).

Pure: ``time_up_and_go(poses)`` reads a recording's (smoothed) poses after the fact, like the
5xSTS timing, and returns a ``TugResult``. What it reads, per frame, in the person's own units:

- hip height above the lower ankle in shank lengths (``exercises.lower_body``: ~1 seated on a
  standard chair, ~2 standing; the shank scale is local, so walking toward or away from the camera
  does not matter). Seated and standing levels come from the recording itself;
- the start: the onset of the rise's forward lean, read from the lean's own course (the trunk's
  tilt in the picture, deepest at seat-off): dated back from when the shoulders were halfway from
  where they sat to where they are at the deepest lean (``lean_back_share``), so small shifts
  before it (settling, turning to look at someone passing) do not start the test; a rise leaning
  less than ``min_lean_deg`` falls back to the last moment the shoulders were where they sat;
- the end: the buttocks on the seat (the 5xSTS stop, CLINICAL.md): the sit's deepest forward lean
  (the seat then takes the weight and the trunk swings back; on real video the hip landmark keeps
  sinking for ~0.5 s after it), otherwise the first of the knees back within ``seat_knee_deg`` of
  their seated angle, the sit's descent braked to ``seat_brake_share`` (15%) of its fastest, or
  the hips within ``seat_contact_shank`` (~1 cm) of their lowest level after the last stand;
- the turns from how fast the heading of the shoulders' and hips' left-right axis (world
  landmarks) changes: the turn at the cone is the fastest turning near the walk's farthest point,
  the turn to sit the fastest back near the chair, each lasting while the body turns at
  ``turn_rate_share`` of its own fastest (the heading's level drifts as a walker crosses the
  picture; its rate does not). Phases the camera did not see (the person walked out of the
  picture) are None, and ``unseen_s`` says how long the person was out of view.

With someone else in view (a passer-by, a carer walking alongside), the poses given must be the
patient's: ``coach.pose.patient`` picks them (``coach.tug_video``).

Norms: CLINICAL.md has no TUG values; ``exercises.norms`` holds the published sources used, and
``exercises.validated_tests.timed_up_and_go`` scores a recording as a ``TestResult``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from coach.geometry import joint_angle
from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.spec import Params, param

PHASES = ("stand_up", "walk_out", "turn", "walk_back", "sit_down")
LEGS = {s: (L[f"{s.upper()}_HIP"], L[f"{s.upper()}_KNEE"], L[f"{s.upper()}_ANKLE"]) for s in ("left", "right")}
MIN_VISIBILITY = 0.3  # side views: the far leg reads 0.3-0.6 yet is placed well (see heel_raise)
SHANK_WINDOW_S = 1.5  # the shank scale is the 90th percentile of the lengths within this of a frame
# Module constants here (and the search windows further down) say where and how the signals are
# read (visibility a side view allows, smoothing and search windows, the onset fit); every number
# that decides an event of the test (start, stand reached, turns, seated, "did not sit back") is a
# ``TugParams`` field.


@dataclass(frozen=True)
class TugParams(Params):
    """CLINICAL.md has no TUG protocol values; these define the events on the landmarks."""

    onset_shank: float = param(0.02, "shank lengths", "the shoulders ~0.8 cm from where they sat: the rise's "
                               "forward lean has begun (the start is then extrapolated back to where they left)", bounds=(0.005, 0.2))
    knee_straight_deg: float = param(5.0, "deg", "standing reached (end of stand-up): the knees within 5 deg "
                                     "of their straightest at the top of the rise", bounds=(1, 30))
    seat_contact_shank: float = param(0.025, "shank lengths", "hips within ~1 cm of their seated level: the "
                                      "buttocks are on the seat (the 5xSTS stop, CLINICAL.md)", bounds=(0.005, 0.2))
    seat_brake_share: float = param(0.15, "share of the sit's fastest descent", "the descent braked to 15% "
                                    "of its speed: the seat has taken the weight", bounds=(0.02, 0.8))
    seat_knee_deg: float = param(5.0, "deg", "the knees within 5 deg of their seated angle: the seat has the weight", bounds=(1, 30))
    min_rise_shank: float = param(0.5, "shank lengths", "a rise lifts the hips ~1 shank; under half of that no "
                                  "stand was seen", bounds=(0.2, 1.5))
    min_lean_deg: float = param(8.0, "deg", "a rise that leans less than this: its lean's course is not read "
                                "(the shoulders' first departure dates the start, the hips' landing the end)", bounds=(2, 30))
    lean_back_share: float = param(0.55, "share of the half-lean-to-peak time", "the lean began this share of "
                                   "the time from halfway to its peak before halfway (a smooth start: ~0.5-0.6)", bounds=(0.1, 1.5))
    sit_lean_share: float = param(0.3, "share of the rise's lean", "the sit's deepest lean dates the seat contact "
                                  "when it is at least this share of the person's own rise lean", bounds=(0.05, 1))
    turn_deg: float = param(15.0, "deg", "heading this far from the walking direction: a turn has begun (or is "
                            "within this of done); the trunk's own swing in gait is ~10 deg either way", bounds=(5, 60))
    stand_hip_share: float = param(0.97, "share of the rise", "where no knee angle is read: standing is reached once "
                                   "the hips are within 3% of the rise's top (seated to highest)", bounds=(0.8, 1.0))
    sat_back_share: float = param(0.25, "share of the rise", "the hips must come back under this share of the rise "
                                  "above the seated level: else the person did not sit back down in view",
                                  bounds=(0.05, 0.6))
    turn_rate_share: float = param(0.4, "share of the turn's fastest rate", "a turn lasts while the body turns at "
                                   "least this share of its own fastest", bounds=(0.1, 0.9))
    min_turn_deg: float = param(90.0, "deg", "a turn at the cone swings the heading at least this far (180 deg "
                                "done); less is no turn seen", bounds=(45.0, 180.0))
    min_sit_turn_deg: float = param(60.0, "deg", "the turn to sit (toward the chair) swings it at least this far",
                                    bounds=(20.0, 180.0))


@dataclass
class TugResult:
    """A TUG timing. ``time_s`` None when it could not be timed (``problem`` says why)."""

    time_s: float | None
    start_s: float | None = None
    stand_s: float | None = None
    seated_s: float | None = None
    phases: dict[str, float | None] = field(default_factory=dict)  # seconds per phase, None = not seen
    phase_times: dict[str, tuple[float, float] | None] = field(default_factory=dict)
    unseen_s: float = 0.0  # between start and seated, how long nobody was in view
    problem: str = ""
    walking_aid: str = ""  # recorded by the caller (the app asks); not seen by the camera

    def to_dict(self) -> dict:
        return asdict(self)



def _series(poses: list[PoseFrame]):
    n = len(poses)
    t = np.array([p.timestamp_s for p in poses], dtype=float)
    seen = np.zeros(n, bool)
    hip_y = np.full(n, np.nan)
    ankle_y = np.full(n, np.nan)
    shank = np.full(n, np.nan)
    shoulder = np.full((n, 2), np.nan)
    axis = np.full((n, 2), np.nan)  # the body's left-right axis in the world's x-z plane
    knee = np.full(n, np.nan)  # knee angle (deg, 180 straight), image, mean over the seen legs
    trunk = np.full(n, np.nan)  # the trunk's tilt in the picture (deg from vertical, signed)
    hip_xy = np.full((n, 2), np.nan)  # the hips' midpoint in the picture (px)
    for i, p in enumerate(poses):
        if not p.has_person:
            continue
        legs = [s for s in LEGS if p.visible(*LEGS[s], threshold=MIN_VISIBILITY)]
        if not legs:
            continue
        xy = p.xy_px
        seen[i] = True
        hip_y[i] = float(np.mean([xy[int(LEGS[s][0])][1] for s in legs]))
        ankle_y[i] = float(np.max([xy[int(LEGS[s][2])][1] for s in legs]))
        shank[i] = float(np.max([np.linalg.norm(xy[int(LEGS[s][1])] - xy[int(LEGS[s][2])]) for s in legs]))
        shoulder[i] = (xy[int(L.LEFT_SHOULDER)] + xy[int(L.RIGHT_SHOULDER)]) / 2
        hips = (xy[int(L.LEFT_HIP)] + xy[int(L.RIGHT_HIP)]) / 2
        trunk[i] = float(np.degrees(np.arctan2(shoulder[i][0] - hips[0], hips[1] - shoulder[i][1])))
        hip_xy[i] = hips
        knee[i] = float(np.nanmean([joint_angle(p, f"{s}_knee", "image") for s in legs]))
        w = p.world
        lr = (w[int(L.LEFT_SHOULDER)] - w[int(L.RIGHT_SHOULDER)]) + (w[int(L.LEFT_HIP)] - w[int(L.RIGHT_HIP)])
        axis[i] = (lr[0], lr[2])
    scale = np.full(n, np.nan)
    for i in np.flatnonzero(seen):
        near = seen & (np.abs(t - t[i]) <= SHANK_WINDOW_S)
        scale[i] = np.percentile(shank[near], 90)
    return t, seen, (ankle_y - hip_y) / scale, shoulder, scale, axis, knee, trunk, hip_xy


STAND_PLATEAU_S = 1.0  # the rise's top is looked for within this of its middle
ONSET_BACK_MAX_S = 0.2  # the onset is extrapolated back at most this far
ONSET_FIT_UP_TO = 5.0  # the onset fit uses the frames up to this many thresholds out
MAX_TURN_HOLE_S = 0.3  # a longer hole between stand and sit: the turns were not followed


def _extrapolated_onset(t, shoulder, scale, rest, onset, idx, threshold: float) -> float:
    """The lean's start. A movement leaves its place smoothly (about as the square of the time),
    so a threshold alone dates it late: the square root of the shoulders' displacement over the
    first frames past the threshold is fitted with a line, whose zero is the onset (no earlier than
    ``ONSET_BACK_MAX_S`` before the threshold frame)."""
    later = [i for i in idx[idx > onset][:8]]
    d = np.array([np.linalg.norm(shoulder[i] - rest) / scale[i] for i in later])
    keep = [k for k in range(len(later)) if d[k] <= ONSET_FIT_UP_TO * threshold]
    if len(keep) < 2:
        keep = list(range(min(3, len(later))))
    if len(keep) < 2:
        return float(t[onset])
    tt = t[[later[k] for k in keep]]
    slope, icpt = np.polyfit(tt, np.sqrt(d[keep]), 1)
    if not slope > 0:
        return float(t[onset])
    return float(np.clip(-icpt / slope, t[onset] - ONSET_BACK_MAX_S, t[later[0]]))


LEAN_SEARCH_S = 3.0  # the rise's forward lean is looked for from this long before the hips pass halfway
LEAN_SIT_S = 1.5  # the sit's lean is looked for from this long before the hips were last standing


def _lean_peak(t, trunk, frames, rest_angle: float) -> int | None:
    """The frame of the largest forward lean (the trunk's tilt away from its seated tilt) in ``frames``."""
    lean = np.abs(trunk[frames] - rest_angle)
    if not np.isfinite(lean).any():
        return None
    return int(frames[int(np.nanargmax(lean))])


def _lean_onset(t, shoulder, idx, peak: int, rest: np.ndarray, p: TugParams) -> float | None:
    """The start of the rise's forward lean, from its own course: the shoulders travel from where
    they sat to where they are at the lean's peak (the seat-off) along a smooth path; the moment
    they were halfway is well placed whatever small shifts came before (a patient settling or
    turning to look at someone passing moves them a few per cent of that way), and the lean began
    ``lean_back_share`` of the half-way-to-peak time before it (a movement eases in)."""
    whole = float(np.linalg.norm(shoulder[peak] - rest))
    before = idx[idx < peak][::-1]
    if not len(before) or not whole > 0:
        return None
    d = np.array([np.linalg.norm(shoulder[i] - shoulder[peak]) for i in before])
    k = next((k for k in range(len(before)) if np.isfinite(d[k]) and d[k] >= whole / 2), None)
    if k is None:
        return None
    i_far, d_far = before[k], d[k]
    i_near, d_near = (before[k - 1], d[k - 1]) if k > 0 else (peak, 0.0)
    u = (whole / 2 - d_near) / (d_far - d_near) if d_far > d_near else 0.0
    half = float(t[i_near] + u * (t[i_far] - t[i_near]))
    return half - p.lean_back_share * (float(t[peak]) - half)


def _seat_contact(t, hip, knee, after, floor: float, seated_knee: float, p: TugParams) -> int:
    """The frame the buttocks meet the seat, the first of: the hips within ``seat_contact_shank``
    of their lowest; the sit's descent braked to ``seat_brake_share`` of its fastest; the knees
    bent back to within ``seat_knee_deg`` of their angle when seated at the start (on real video
    the hip landmark keeps sinking for ~1 s as the person slides back and sits up, well after
    contact, while the knees stop bending when the seat takes the weight)."""
    h = hip[after]
    tt = t[after]
    speed = np.full(len(after), np.nan)  # downward, shank lengths per second
    for k in range(len(after)):
        a, b = max(k - 2, 0), min(k + 2, len(after) - 1)
        if tt[b] > tt[a]:
            speed[k] = -(h[b] - h[a]) / (tt[b] - tt[a])
    by_level = next(k for k in range(len(after)) if h[k] <= floor + p.seat_contact_shank)
    fastest = int(np.nanargmax(speed[:by_level + 1])) if np.isfinite(speed[:by_level + 1]).any() else by_level
    peak = speed[fastest]
    by_brake = next((k for k in range(fastest, by_level + 1)
                     if peak > 0 and np.isfinite(speed[k]) and speed[k] <= p.seat_brake_share * peak), by_level)
    by_knee = by_level
    if np.isfinite(seated_knee):
        by_knee = next((k for k in range(fastest, by_level + 1)
                        if np.isfinite(knee[after[k]]) and knee[after[k]] <= seated_knee + p.seat_knee_deg), by_level)
    return int(after[min(by_level, by_brake, by_knee)])


def time_up_and_go(poses: list[PoseFrame], params: TugParams | None = None) -> TugResult:
    """The TUG time and phases of one recording that starts seated and ends seated."""
    p = params or TugParams()
    if not poses:
        return TugResult(None, problem="the recording is empty")
    t, seen, hip, shoulder, scale, axis, knee, trunk, hip_xy = _series(poses)
    idx = np.flatnonzero(seen & np.isfinite(hip))
    if len(idx) < 5:
        return TugResult(None, problem="nobody was seen")
    first = idx[t[idx] <= t[idx[0]] + 0.5]
    lo = float(np.median(hip[first]))
    hi = float(np.percentile(hip[idx], 90))
    if hi - lo < p.min_rise_shank:
        return TugResult(None, problem="no stand was seen: start seated on the chair, in view")
    mid = lo + 0.5 * (hi - lo)
    up = idx[hip[idx] >= mid]
    rise_mid = up[0]
    # Standing: the hips' plateau right after the rise (walking later carries them a little higher).
    # Standing: the knees straight at the top of the rise (the hips barely rise over the last 20
    # deg of knee extension, so their height dates the end of the stand-up early).
    near = idx[(idx >= rise_mid) & (t[idx] <= t[rise_mid] + STAND_PLATEAU_S)]
    knee_near = knee[near]
    if np.isfinite(knee_near).any():
        top_knee = float(np.nanmax(knee_near))
        stand = next((i for i in near if knee[i] >= top_knee - p.knee_straight_deg), rise_mid)
    else:
        top = float(np.max(hip[near]))
        stand = next((i for i in near if hip[i] >= lo + p.stand_hip_share * (top - lo)), rise_mid)
    # The start: the last frame before the rise the shoulders were still at their seated place.
    before = idx[(idx < rise_mid) & (t[idx] <= t[rise_mid] - 0.6)]
    rest_idx = before if len(before) else idx[idx < rise_mid][:3]
    if not len(rest_idx):
        return TugResult(None, problem="the recording starts mid-rise: start seated, in view")
    rest = np.median(shoulder[rest_idx], axis=0)
    onset = rest_idx[-1]
    for i in idx[idx < rise_mid]:
        if np.linalg.norm(shoulder[i] - rest) / scale[i] <= p.onset_shank:
            onset = i
    start_s = _extrapolated_onset(t, shoulder, scale, rest, onset, idx, p.onset_shank)
    rest_angle = float(np.nanmedian(trunk[rest_idx])) if np.isfinite(trunk[rest_idx]).any() else float("nan")
    rise_peak = _lean_peak(t, trunk, idx[(t[idx] >= t[rise_mid] - LEAN_SEARCH_S) & (idx <= stand)], rest_angle)
    rise_lean = abs(trunk[rise_peak] - rest_angle) if rise_peak is not None else 0.0
    if rise_lean >= p.min_lean_deg:
        start_s = _lean_onset(t, shoulder, idx, rise_peak, rest, p) or start_s
    last_up = up[-1]
    after = idx[idx > last_up]
    if not len(after):
        return TugResult(None, start_s=float(t[onset]), problem="the recording ends before the person sat down")
    floor = float(np.min(hip[after]))
    if floor > lo + p.sat_back_share * (hi - lo):
        return TugResult(None, start_s=float(t[onset]), problem="the person did not sit back down in view")
    seated_knee = float(np.nanmedian(knee[first])) if np.isfinite(knee[first]).any() else float("nan")
    seated = _seat_contact(t, hip, knee, after, floor, seated_knee, p)
    # The buttocks meet the seat when the sit's forward lean is deepest (the trunk then swings back
    # up, the seat carrying the weight); the hip landmark keeps sinking for up to ~0.7 s after that
    # on real video. Taken when the sit leans clearly (a good share of the person's own rise lean).
    sit_frames = idx[(t[idx] >= t[last_up] - LEAN_SIT_S) & (idx <= seated)]
    sit_peak = _lean_peak(t, trunk, sit_frames, rest_angle) if len(sit_frames) else None
    if sit_peak is not None and rise_lean >= p.min_lean_deg and \
            abs(trunk[sit_peak] - rest_angle) >= p.sit_lean_share * rise_lean:
        seated = sit_peak
    stand_s, seated_s = float(t[stand]), float(t[seated])
    inside = (t >= start_s) & (t <= seated_s)
    dt = np.diff(t[inside]) if inside.sum() > 1 else np.array([])
    unseen = float(np.sum(np.diff(t[inside & seen]) - np.median(dt))) if len(dt) and (inside & seen).sum() > 1 else 0.0
    phase_times = _phases(t, seen, axis, start_s, stand_s, seated_s, p, hip_xy)
    phases = {k: (None if v is None else round(v[1] - v[0], 3)) for k, v in phase_times.items()}
    return TugResult(round(seated_s - start_s, 3), round(start_s, 3), round(stand_s, 3), round(seated_s, 3), phases,
                     phase_times, round(max(unseen, 0.0), 3))


def _heading(world_axis: np.ndarray, seen: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Which way the body's left-right axis points (deg about the vertical, unwrapped; NaN unseen),
    from the world landmarks (metres, camera-aligned, no perspective): a 180 deg turn swings it
    half a circle whichever way the person turns."""
    ok = seen & np.isfinite(world_axis).all(axis=1) & (np.linalg.norm(world_axis, axis=1) > 1e-6)
    out = np.full(len(world_axis), np.nan)
    if ok.sum() < 3:
        return out
    ang = np.arctan2(world_axis[ok, 1], world_axis[ok, 0])
    # The model swaps left and right now and then (most often seen from behind): the axis then
    # jumps half a circle between two frames. Read as a line, not an arrow (angles doubled,
    # unwrapped, halved), such a jump vanishes while a real turn still adds up its 180 deg.
    head = np.degrees(np.unwrap(2 * ang) / 2)
    # A swap the smoothing spread over a few frames shows as steps faster than anyone turns: dropped.
    tt = t[ok]
    steps = np.diff(head)
    fast = np.abs(steps) > SWAP_RATE_DEG_S * np.maximum(np.diff(tt), 1e-3)
    steps[fast] = 0.0
    out[ok] = head[0] + np.concatenate([[0.0], np.cumsum(steps)])
    return out


SWAP_RATE_DEG_S = 600.0  # faster than anyone turns (a brisk 180 deg turn peaks at ~300-400 deg/s)
HEADING_SMOOTH_S = 0.1  # the heading's median over this either side of a frame (landmark jitter)
RATE_WINDOW_S = 0.15  # the turning rate: the heading's change across this either side of a frame
TURN_DIP_S = 0.25  # a turn goes on through slower moments shorter than this
FAR_TURN_S = 1.0  # the turn at the cone is the fastest turning within this of the walk's farthest point


def _turning_rate(t, h, frames) -> np.ndarray:
    """deg/s the heading changes at each of ``frames`` (NaN where unknown): medians of the heading
    over ``HEADING_SMOOTH_S`` differenced across ``RATE_WINDOW_S`` either side."""
    tt, hh = t[frames], h[frames]
    med = np.array([np.median(hh[np.abs(tt - x) <= HEADING_SMOOTH_S]) for x in tt])
    rate = np.full(len(frames), np.nan)
    for k, x in enumerate(tt):
        a = np.searchsorted(tt, x - RATE_WINDOW_S)
        b = np.searchsorted(tt, x + RATE_WINDOW_S, side="right") - 1
        if b > a and tt[b] > tt[a]:
            rate[k] = (med[b] - med[a]) / (tt[b] - tt[a])
    return rate


def _turn_around(t, frames, rate, h, peak_k: int, rate_share: float) -> tuple[int, int, float]:
    """(first, last) frame of the turn whose fastest moment is ``frames[peak_k]``: while it turns at
    ``rate_share`` of that rate or more, the same way (through slower moments shorter than
    ``TURN_DIP_S``: the model's heading stalls for a moment as the body faces the camera or away);
    and how far it turned (deg)."""
    peak = rate[peak_k]
    fast = lambda k: np.isfinite(rate[k]) and rate[k] * np.sign(peak) >= rate_share * abs(peak)  # noqa: E731

    def reach(step: int) -> int:
        last = k = peak_k
        while 0 <= k + step < len(frames) and abs(t[frames[k + step]] - t[frames[last]]) <= TURN_DIP_S:
            k += step
            if fast(k):
                last = k
        return last
    a, b = reach(-1), reach(1)
    return int(frames[a]), int(frames[b]), float(abs(h[frames[b]] - h[frames[a]]))


def _phases(t, seen, axis, start_s, stand_s, seated_s, p: TugParams, hip_xy=None) -> dict:
    """Phase boundaries from how fast the body turns (the heading of its left-right axis in the
    world landmarks): the turn at the cone is the fastest turning around the farthest point of the
    walk, the turn to sit the fastest after it; each lasts while the body turns at
    ``turn_rate_share`` of its own fastest. Read from the rate, not from the heading's level: the
    model's heading of a walker drifts by tens of degrees as they cross the picture (the view of
    them changes), while a turn swings it ~180 deg in about a second."""
    h = _heading(axis, seen, t)
    none = {k: None for k in PHASES}
    none["stand_up"] = (start_s, stand_s)
    walk = np.flatnonzero((t >= stand_s) & (t <= seated_s) & np.isfinite(h))
    if len(walk) < 5 or np.max(np.diff(t[walk])) > MAX_TURN_HOLE_S:
        return none  # out of view on the way: the turn's heading cannot be followed through
    rate = _turning_rate(t, h, walk)
    away = np.linalg.norm(hip_xy[walk] - hip_xy[walk[0]], axis=1) if hip_xy is not None else np.full(len(walk), np.nan)
    far = int(np.nanargmax(away)) if np.isfinite(away).any() else len(walk) // 2
    near_far = np.flatnonzero(np.abs(t[walk] - t[walk[far]]) <= FAR_TURN_S)
    if not np.isfinite(rate[near_far]).any():
        return none
    k = int(near_far[np.nanargmax(np.abs(rate[near_far]))])
    ts_i, te_i, turned = _turn_around(t, walk, rate, h, k, p.turn_rate_share)
    if turned < p.min_turn_deg:
        return none
    out = {"stand_up": (start_s, stand_s), "walk_out": (stand_s, float(t[ts_i])),
           "turn": (float(t[ts_i]), float(t[te_i])), "walk_back": None, "sit_down": None}
    # The turn to sit is made back at the chair: after the walk back has covered half the way.
    later = np.flatnonzero((t[walk] > t[te_i] + 0.5) & (np.arange(len(walk)) > far)
                           & ~(away > 0.5 * away[far]))
    if len(later) and np.isfinite(rate[later]).any():
        k2 = int(later[np.nanargmax(np.abs(rate[later]))])
        st_i, _, turned2 = _turn_around(t, walk, rate, h, k2, p.turn_rate_share)
        if turned2 >= p.min_sit_turn_deg and t[st_i] > t[te_i]:
            out["walk_back"] = (float(t[te_i]), float(t[st_i]))
            out["sit_down"] = (float(t[st_i]), seated_s)
    return out
