"""Gait speed (the 10-metre walk; at home a 4-metre course) from a side camera: the time the hips take
between two marks on the floor a known distance apart, at the usual pace and then at a fast pace.

Pure: ``time_gait(poses, ...)`` reads a recording's (smoothed) poses after the fact and returns a
``GaitTiming`` with one ``GaitTrial`` per walk across the marks. The protocol (CLINICAL.md "Gait
speed"): the distance is the protocol's own, measured, never guessed (``course_m``, default 4 m);
the person starts standing about a metre before the first mark, so they are at their own pace when
they cross it, and stops about a metre after the second; the walk back, after a turn, is the second
trial. The first walk is the usual pace, the second the fast pace ("as fast as you safely can").

What it reads, per frame:

- the hips' midpoint across the picture (px): the point that crosses each mark (a stopwatch times a
  body part crossing a line; the pelvis moves with the body's own speed, the feet stop and start);
- where the marks are in the picture, from one of:
  * ``marks_x`` (the two marks' places across the picture, fractions of its width, as the user or a
    mark detector gives them): the scale is the course over the marks' distance in pixels;
  * ``height_m`` (the patient's record or ``--height-cm``): the side-view body length from knee to
    hip to shoulder in the picture (thigh plus trunk) is ``BODY_CHAIN_SHARE`` of the standing height
    (Winter's anthropometric table: shoulder 0.818 H, knee 0.285 H), which gives metres per pixel
    along the walking line; the course is then centred on the picture (the instructions put the
    camera facing the middle of the course). The segments' lengths do not change as the knees bend,
    and their sum does not depend on where along the body the hip landmark sits (MediaPipe puts it
    ~3 px higher than the generator's hip joint on the rendered walker: the thigh reads short and
    the trunk long by as much). The shank is left out: through MediaPipe full and lite the rendered
    walker's shank read 7% and 9% short (the ankle placed up the drawn shoe; ankle to shoulder read
    2.5-3% short, which put the fast pace 0.05 m/s out), while knee to shoulder read within 1%.
    Measured on rendered clips only: how MediaPipe places a real walker's knee and shoulder is not
    checked here. Both legs are read where both are seen (their mean is the body's midline).

Each crossing of a mark is placed between the frames either side of it (linear in time). A walk is
refused (no time, ``problem`` in plain words) when the person leaves the picture before the far mark,
was already past the first mark when first seen, turns back between the marks, is not seen for
more than ``max_gap_s`` between them, or (height calibration) is never seen whole, head to feet.

Limits: the walk must cross the picture (a side view); walking toward or away from the camera
changes the scale and is not measured. The pose model's depth is not used.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from exercises.spec import Params, param

SIDES = ("LEFT", "RIGHT")
CHAIN = ("SHOULDER", "HIP", "KNEE")
# Shoulder height minus knee height as a share of standing height: 0.818 - 0.285 (Winter DA,
# Biomechanics and Motor Control of Human Movement, 4th ed. 2009, fig. 4.1, after Drillis & Contini
# 1966). Anthropometry, not a decision threshold: not a ``Params`` field.
BODY_CHAIN_SHARE = 0.818 - 0.285
WHOLE_BODY = ("NOSE", "LEFT_HEEL", "RIGHT_HEEL", "LEFT_SHOULDER", "RIGHT_SHOULDER")
PACES = ("usual", "fast")


@dataclass(frozen=True)
class GaitParams(Params):
    """Where the timing of a walk is read, and when a walk cannot be timed."""

    min_visibility: float = param(0.3, "0-1", "a side view's far leg reads 0.3-0.6 yet is placed well (as for "
                                  "the heel raise and the TUG)", bounds=(0.05, 0.9))
    max_gap_s: float = param(0.5, "s", "longer without the person between the marks: the crossing times are "
                             "not known to a frame or two", bounds=(0.1, 2.0))
    edge_margin: float = param(0.01, "share of the picture's width", "the head or feet this close to the "
                               "picture's edge are cut off: the body is not whole in view", bounds=(0.0, 0.1))
    min_whole_share: float = param(0.5, "share of the frames between the marks", "the body must be whole in "
                                   "view this often for its length to give the scale", bounds=(0.1, 1.0))
    min_into_course: float = param(0.25, "share of the course", "a walk back out through the mark it came in "
                                   "by, this short a way in, is a turn or a stop near the mark, not a trial",
                                   bounds=(0.05, 0.9))


@dataclass
class GaitTrial:
    """One walk across the course. ``speed_m_s`` None when it could not be timed (``problem`` says why)."""

    pace: str
    speed_m_s: float | None
    time_s: float | None = None
    cross_s: tuple[float, float] | None = None  # the hips crossing the first and the second mark
    direction: int = 0  # +1 across the picture to the right, -1 to the left
    frame_step_s: float = 0.0  # longest step between frames from the first crossing to the second
    body_px: float | None = None  # the side-view body length (knee to shoulder) over the walk, px
    problem: str = ""


@dataclass
class GaitTiming:
    """The trials of one recording, and how the course was placed in the picture."""

    trials: list[GaitTrial] = field(default_factory=list)
    course_m: float = 4.0
    calibration: str = ""  # "marks" or "height"
    m_per_px: float | None = None
    course_px: tuple[float, float] | None = None  # the marks' places across the picture (px)
    problem: str = ""  # why nothing could be timed at all

    def trial(self, pace: str) -> GaitTrial | None:
        return next((t for t in self.trials if t.pace == pace), None)

    def to_dict(self) -> dict:
        return asdict(self)


def _series(poses: list[PoseFrame], p: GaitParams):
    n = len(poses)
    t = np.array([q.timestamp_s for q in poses], dtype=float)
    hip_x = np.full(n, np.nan)
    chain = np.full(n, np.nan)
    whole = np.zeros(n, bool)
    for i, q in enumerate(poses):
        if not q.has_person:
            continue
        xy = q.xy_px
        vis = q.visibility
        hips = [int(L[f"{s}_HIP"]) for s in SIDES]
        if max(vis[hips]) < p.min_visibility:
            continue
        x = float(xy[hips, 0].mean())
        if not 0.0 <= x <= q.size[0]:  # the model's guess beyond the picture's edge is not a place seen
            continue
        hip_x[i] = x
        lengths = []
        for s in SIDES:
            idx = [int(L[f"{s}_{part}"]) for part in CHAIN]
            if min(vis[idx]) >= p.min_visibility:
                lengths.append(float(sum(np.linalg.norm(xy[a] - xy[b]) for a, b in zip(idx, idx[1:]))))
        if lengths:
            chain[i] = float(np.mean(lengths))
        body = q.image[[int(L[name]) for name in WHOLE_BODY], :2]
        m = p.edge_margin
        whole[i] = bool(lengths) and bool(np.all((body > m) & (body < 1 - m)))
    return t, hip_x, chain, whole


def _crossings(t, x, seen, lo: float, hi: float, p: GaitParams) -> list[dict]:
    """Walks over the course [lo, hi] (px): each run of seen frames that enters the course, with the
    moments it crossed each mark (None where it did not) and how it ended."""
    region = np.where(x < lo, -1, np.where(x > hi, 1, 0))
    idx = np.flatnonzero(seen)
    walks, cur = [], None
    prev = None
    for i in idx:
        if prev is not None and t[i] - t[prev] > p.max_gap_s:
            if cur is not None:  # lost from view inside the course
                cur.update(end="lost", last=prev, gap_s=float(t[i] - t[prev]))
                walks.append(cur)
                cur = None
            prev = None
        r = region[i]
        if cur is None:
            if r == 0:
                if prev is None or region[prev] == 0:
                    # first seen already inside the course (a recording that starts mid-walk, or a
                    # walker coming into the picture past the first mark); seen again inside it after
                    # being lost there: the same walk, already refused, not a new one
                    if prev is None:
                        again = bool(walks) and walks[-1]["end"] == "lost"
                        cur = {"from": 0, "enter_s": None, "first": i, "end": "", "start_seen": False,
                               "again": again}
                else:
                    cur = {"from": int(region[prev]), "first": i, "end": "", "start_seen": True,
                           "enter_s": _cross_time(t, x, prev, i, lo if region[prev] < 0 else hi)}
        else:
            if r != 0:
                came = cur["from"]
                if came == 0 or r != came:
                    cur.update(end="crossed", exit_to=int(r), last=i,
                               exit_s=_cross_time(t, x, prev, i, lo if r < 0 else hi))
                else:
                    cur.update(end="back", last=i)
                walks.append(cur)
                cur = None
        prev = i
    if cur is not None:
        cur.update(end="lost", last=prev, gap_s=float(t[-1] - t[prev]) if prev is not None else 0.0)
        walks.append(cur)
    course = hi - lo
    out = []
    for w in walks:
        if w.get("again"):
            continue
        if w["end"] == "back":  # out again by the mark it came in by: keep it only if it went well in
            inside = x[w["first"]:w["last"] + 1]
            inside = inside[np.isfinite(inside)]
            depth = np.max(np.abs(inside - (lo if w["from"] < 0 else hi))) if len(inside) else 0.0
            if depth < p.min_into_course * course:
                continue
        out.append(w)
    return out


def _cross_time(t, x, a: int, b: int, line: float) -> float:
    """When the track crossed ``line`` between frames ``a`` and ``b`` (linear in time)."""
    if x[b] == x[a]:
        return float(t[b])
    u = float(np.clip((line - x[a]) / (x[b] - x[a]), 0.0, 1.0))
    return float(t[a] + u * (t[b] - t[a]))


def _problem(w: dict, x, width: float, lo: float, hi: float) -> str:
    if w["end"] == "crossed" and w["from"] != 0:
        return ""
    if w["from"] == 0:
        return ("you were first seen past the first mark: start standing a metre before it, with the camera "
                "seeing where you start")
    if w["end"] == "back":
        return "you turned back before the far mark: walk past it before you stop and turn"
    last = x[w["last"]]
    near_edge = min(last, width - last) < 0.08 * width
    if near_edge:
        return ("you left the picture before the far mark: the camera must see both marks and a metre past each "
                "(put it further back)")
    return ("you were not seen before the far mark" + (f" (for {w['gap_s']:.1f} s)" if w.get("gap_s") else "")
            + ": keep the whole walk in the picture")


def time_gait(poses: list[PoseFrame], course_m: float = 4.0, height_m: float | None = None,
              marks_x: tuple[float, float] | None = None, params: GaitParams | None = None) -> GaitTiming:
    """The trials of a side-view recording of the walk (see the module doc). ``marks_x`` (fractions of
    the picture's width) places the course; otherwise ``height_m`` gives the scale and the course is
    centred on the picture. Neither: nothing can be timed (``problem``)."""
    p = params or GaitParams()
    out = GaitTiming(course_m=course_m)
    if not course_m > 0:
        out.problem = "the distance between the marks must be given, in metres"
        return out
    if not poses:
        out.problem = "the recording is empty"
        return out
    width = float(poses[0].size[0])
    t, x, chain, whole = _series(poses, p)
    seen = np.isfinite(x)
    if seen.sum() < 5:
        out.problem = "nobody was seen: check that you are in the picture and the room is lit"
        return out
    if marks_x is not None:
        lo, hi = sorted(float(m) * width for m in marks_x)
        if not hi - lo > 0:
            out.problem = "the two marks must be at different places in the picture"
            return out
        if lo < p.edge_margin * width or hi > (1 - p.edge_margin) * width:
            out.calibration, out.m_per_px, out.course_px = "marks", course_m / (hi - lo), (lo, hi)
            out.problem = ("a mark is outside the picture, so the walk leaves the picture before the far mark: the "
                           "camera must see both marks and a metre past each (put it further back, facing the middle)")
            return out
        out.calibration, out.m_per_px = "marks", course_m / (hi - lo)
    elif height_m:
        ok = whole & np.isfinite(chain)
        if not ok.any():
            out.problem = ("you were never seen whole, head to feet: the camera must see all of you while you walk "
                           "(put it further back, at hip height)")
            return out
        m_per_px = height_m * BODY_CHAIN_SHARE / float(np.median(chain[ok]))
        half = course_m / m_per_px / 2
        lo, hi = width / 2 - half, width / 2 + half
        out.calibration, out.m_per_px = "height", m_per_px
        if lo < 0 or hi > width:
            out.course_px = (lo, hi)
            out.problem = (f"the picture shows only {width * m_per_px:.1f} m of the walk; it must show the whole "
                           f"{course_m:g} m between the marks and a metre past each (put the camera further back)")
            return out
    else:
        out.problem = "the scale is unknown: give the person's height, or where the two marks are in the picture"
        return out
    out.course_px = (round(lo, 1), round(hi, 1))
    walks = _crossings(t, x, seen, lo, hi, p)
    if not walks:
        out.problem = "no walk across the marks was seen: walk from a metre before one mark to a metre past the other"
        return out
    for k, w in enumerate(walks[:len(PACES)]):
        pace = PACES[k]
        why = _problem(w, x, width, lo, hi)
        direction = int(w.get("exit_to") or -w["from"])
        if why:
            out.trials.append(GaitTrial(pace, None, direction=direction, problem=why))
            continue
        a, b = w["enter_s"], w["exit_s"]
        inside = np.flatnonzero(seen & (t >= t[w["first"]] - 1e-9) & (t <= t[w["last"]] + 1e-9))
        step = float(np.max(np.diff(t[inside]), initial=0.0))
        span = np.flatnonzero(seen & (t >= a) & (t <= b))
        body = float(np.median(chain[span][np.isfinite(chain[span])])) if np.isfinite(chain[span]).any() else None
        if out.calibration == "height" and (not len(span) or whole[span].mean() < p.min_whole_share):
            out.trials.append(GaitTrial(pace, None, direction=direction, problem=(
                "you were not seen whole, head to feet, between the marks: the camera must see all of you "
                "(put it further back, at hip height)")))
            continue
        time_s = b - a
        out.trials.append(GaitTrial(pace, round(course_m / time_s, 3), round(time_s, 3), (round(a, 3), round(b, 3)),
                                    direction, round(step, 4), None if body is None else round(body, 1)))
    return out
