"""Which of several people in view is the patient: the one seated at the start, followed through.

Pure (numpy on ``PoseFrame``s, no MediaPipe): ``follow_patient(people)`` takes, per frame, every
pose the model returned (``PoseEstimator(num_poses=3)`` keeps them in ``people_per_frame``) and
returns one pose per frame, the patient's or empty. Used where a validated test must not time a
bystander or a carer walking alongside (the Timed Up and Go).

How, in the person's own units (their torso length: shoulders' to hips' midpoint, in pixels):

1. poses of one frame closer than ``DUPLICATE_TORSO`` torsos are one person seen twice (the
   better seen kept);
2. poses are linked frame to frame into tracklets by where the body's centre is (within
   ``LINK_TORSO`` torsos of where its speed would carry it, plus ``LINK_TORSO_PER_S`` per second
   since last seen: a brisk walk), its
   size (torso within a factor ``SIZE_RATIO``) and its posture (the hips' height above the ankles
   changes no faster than a rise); the model's own pose order is not trusted (it swaps people
   between frames);
3. the patient is the tracklet seated at its start (hips within ``SEATED_MAX_SHANK`` shank lengths
   above the lower ankle: ~1 seated, ~2 standing) that begins earliest; a bystander standing or
   walking is never chosen, however prominent;
4. the patient's track is continued after it is lost by the first tracklet that starts after it
   ended, not at the same time as it (two people in one frame are two people), where the patient
   could have walked in the meantime, or, when the patient left the picture at an edge, where
   someone comes back in at that edge (a partial exit at the turn): someone appearing elsewhere
   while the patient is out of the picture is not them, unless they go back and sit on the chair.

Refused (``problem`` says why) when two people are seated at the start and both get up: which
one is the patient cannot be told from the picture.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L

DUPLICATE_TORSO = 0.3
LINK_TORSO = 0.8
LINK_TORSO_PER_S = 3.0  # ~1.5 m/s at a ~0.5 m torso
VELOCITY_S = 0.2  # a tracklet's speed is taken over about this long
MAX_LINK_GAP_S = 0.5  # a tracklet not seen for longer ends; later poses start a new one
SIZE_RATIO = 1.5
RELINK_SIZE_RATIO = 2.2  # across a gap (walking toward or away from the camera changes the size)
POSTURE_JUMP_SHANK = 0.6  # hips-above-ankle change between two frames of one person (jitter, legs hidden) ...
POSTURE_SHANK_PER_S = 1.5  # ... plus what a brisk rise (1 shank in ~0.7 s) adds per second between them
SEATED_MAX_SHANK = 1.45
STOOD_MIN_SHANK = 1.7
SAME_SEAT_TORSO = 1.0  # back on the chair: the body's centre within a torso length of where it sat
EDGE_SHARE = 0.2  # the body's centre within this share of the picture's width of a side: at its edge
MIN_VISIBILITY = 0.3
SEATED_AT_START_S = 0.5  # a tracklet is judged seated on its first this many seconds

TORSO = (int(L.LEFT_SHOULDER), int(L.RIGHT_SHOULDER), int(L.LEFT_HIP), int(L.RIGHT_HIP))
LEGS = {s: (int(L[f"{s.upper()}_HIP"]), int(L[f"{s.upper()}_KNEE"]), int(L[f"{s.upper()}_ANKLE"]))
        for s in ("left", "right")}


@dataclass
class _Cand:
    frame: int
    pose: PoseFrame
    centre: np.ndarray  # px
    torso: float  # px
    seated_ratio: float  # hips above the lower ankle in shank lengths (NaN: legs not seen)
    vis: float


@dataclass
class Tracklet:
    """One person followed by position and size; ``frames`` index the recording."""

    cands: list = field(default_factory=list)

    @property
    def first(self) -> int:
        return self.cands[0].frame

    @property
    def last(self) -> int:
        return self.cands[-1].frame


@dataclass
class PatientTrack:
    """The patient's pose per frame (empty where they were not seen), and how they were found."""

    poses: list[PoseFrame]
    people: int  # distinct tracklets seen (people, with a person lost and found again counted twice)
    most_in_one_frame: int
    tracklets_used: int
    problem: str = ""
    where: str = ""  # where the patient sat, in words

    @property
    def found_share(self) -> float:
        return float(np.mean([p.has_person for p in self.poses])) if self.poses else 0.0


def _candidate(i: int, p: PoseFrame) -> _Cand | None:
    if not p.has_person:
        return None
    xy, vis = p.xy_px, p.visibility
    torso_seen = [k for k in TORSO if vis[k] >= MIN_VISIBILITY]
    if len(torso_seen) < 2:
        return None
    sh = (xy[int(L.LEFT_SHOULDER)] + xy[int(L.RIGHT_SHOULDER)]) / 2
    hp = (xy[int(L.LEFT_HIP)] + xy[int(L.RIGHT_HIP)]) / 2
    torso = float(np.linalg.norm(sh - hp))
    if not torso > 1.0:
        return None
    ratio = np.nan
    legs = [s for s in LEGS if all(vis[k] >= MIN_VISIBILITY for k in LEGS[s])]
    if legs:
        shank = max(np.linalg.norm(xy[LEGS[s][1]] - xy[LEGS[s][2]]) for s in legs)
        ankle = max(xy[LEGS[s][2]][1] for s in legs)
        if shank > 1.0:
            ratio = float((ankle - hp[1]) / shank)
    return _Cand(i, p, (sh + hp) / 2, torso, ratio, float(np.mean(vis[list(TORSO)])))


def _velocity(tr: Tracklet, t: np.ndarray) -> np.ndarray:
    """px/s the tracklet's centre moved over its last ``VELOCITY_S``: where it is expected next (two
    people crossing in the picture keep their own ways)."""
    last = tr.cands[-1]
    prev = next((c for c in tr.cands[-2::-1] if t[last.frame] - t[c.frame] >= VELOCITY_S), None)
    if prev is None or t[last.frame] - t[prev.frame] > 2 * VELOCITY_S:
        return np.zeros(2)
    return (last.centre - prev.centre) / (t[last.frame] - t[prev.frame])


def _posture_follows(last: _Cand, c: _Cand, gap_s: float) -> bool:
    """The person's own posture changes smoothly: seated (~1 shank) to standing (~2) takes a rise
    of ~1 s, so a larger jump in less time is someone else (a passer-by in front of a seated patient)."""
    if not (np.isfinite(last.seated_ratio) and np.isfinite(c.seated_ratio)):
        return True
    return abs(c.seated_ratio - last.seated_ratio) <= POSTURE_JUMP_SHANK + POSTURE_SHANK_PER_S * gap_s


def _dedupe(cands: list[_Cand]) -> list[_Cand]:
    out: list[_Cand] = []
    for c in sorted(cands, key=lambda c: -c.vis):
        if all(np.linalg.norm(c.centre - o.centre) > DUPLICATE_TORSO * max(c.torso, o.torso) for o in out):
            out.append(c)
    return out


def _tracklets(people: list[list[PoseFrame]], t: np.ndarray) -> tuple[list[Tracklet], int]:
    done: list[Tracklet] = []
    active: list[Tracklet] = []
    most = 0
    for i, poses in enumerate(people):
        cands = _dedupe([c for c in (_candidate(i, p) for p in poses) if c is not None])
        most = max(most, len(cands))
        still = []
        for tr in active:
            (still if t[i] - t[tr.last] <= MAX_LINK_GAP_S else done).append(tr)
        active = still
        pairs = []
        for a, tr in enumerate(active):
            last = tr.cands[-1]
            ahead = last.centre + _velocity(tr, t) * (t[i] - t[last.frame])
            for b, c in enumerate(cands):
                ratio = c.torso / last.torso
                if not 1 / SIZE_RATIO <= ratio <= SIZE_RATIO:
                    continue
                d = np.linalg.norm(c.centre - ahead) / last.torso
                gap = t[i] - t[last.frame]
                if d <= LINK_TORSO + LINK_TORSO_PER_S * gap and _posture_follows(last, c, gap):
                    pairs.append((d, a, b))
        used_a, used_b = set(), set()
        for d, a, b in sorted(pairs):
            if a in used_a or b in used_b:
                continue
            used_a.add(a), used_b.add(b)
            active[a].cands.append(cands[b])
        for b, c in enumerate(cands):
            if b not in used_b:
                active.append(Tracklet([c]))
    done += active
    return sorted(done, key=lambda tr: tr.first), most


def _seated_at_start(tr: Tracklet, t: np.ndarray) -> float:
    """The tracklet's hips-above-ankle level over its first ``SEATED_AT_START_S`` (NaN: legs unseen)."""
    r = [c.seated_ratio for c in tr.cands if t[c.frame] <= t[tr.first] + SEATED_AT_START_S]
    r = [v for v in r if np.isfinite(v)]
    return float(np.median(r)) if r else float("nan")


def _at_edge(c: _Cand, width: float) -> str:
    x = c.centre[0] / width
    return "left" if x <= EDGE_SHARE else "right" if x >= 1 - EDGE_SHARE else ""


def _sits_back(tr: Tracklet, seated: _Cand) -> bool:
    """``tr`` ends seated where ``seated`` sat (within ``SAME_SEAT_TORSO`` of their torso)."""
    end = tr.cands[-1]
    return bool(np.linalg.norm(end.centre - seated.centre) <= SAME_SEAT_TORSO * seated.torso
                and np.isfinite(end.seated_ratio) and end.seated_ratio <= SEATED_MAX_SHANK)


def _continue(chain: list[Tracklet], tracklets: list[Tracklet], t: np.ndarray, width: float) -> list[Tracklet]:
    """The patient's tracklets: ``chain``'s last one continued by later ones (see the module doc)."""
    while True:
        end = chain[-1]
        last = end.cands[-1]
        edge = _at_edge(last, width)
        best = None
        for tr in tracklets:
            if tr.first <= end.last or any(tr is c for c in chain):
                continue
            first = tr.cands[0]
            gap = t[first.frame] - t[last.frame]
            ratio = first.torso / last.torso
            if not 1 / RELINK_SIZE_RATIO <= ratio <= RELINK_SIZE_RATIO:
                continue
            near = np.linalg.norm(first.centre - last.centre) / last.torso <= LINK_TORSO + LINK_TORSO_PER_S * gap
            back_in = bool(edge) and _at_edge(first, width) == edge
            if edge and gap > MAX_LINK_GAP_S:
                # Gone out of the picture: they come back in where they left, or, first found
                # further in (the model busy with someone else), go back to the chair and sit.
                near = _sits_back(tr, chain[0].cands[0])
            if near or back_in:
                best = tr if best is None or tr.first < best.first else best
        if best is None:
            return chain
        chain.append(best)


def follow_patient(people: list[list[PoseFrame]], timestamps_s=None) -> PatientTrack:
    """The patient's poses, one per frame of ``people`` (each frame: every pose the model returned)."""
    n = len(people)
    t = np.asarray(timestamps_s if timestamps_s is not None else
                   [next((p.timestamp_s for p in f), np.nan) for f in people], dtype=float)
    size = next((p.size for f in people for p in f), (1, 1))
    empty = [PoseFrame.empty(float(t[i]), size) for i in range(n)]
    tracklets, most = _tracklets(people, t)
    if not tracklets:
        return PatientTrack(empty, 0, 0, 0, problem="nobody was seen")
    seated = [tr for tr in tracklets if _seated_at_start(tr, t) <= SEATED_MAX_SHANK]
    if not seated:
        return PatientTrack(empty, len(tracklets), most, 0,
                            problem="nobody was seen seated at the start: start seated on the chair, in view")
    first_t = t[min(tr.first for tr in seated)]
    # Seated from the start (within a second of the first one seen seated): each is followed through.
    starters = [tr for tr in seated if t[tr.first] <= first_t + 1.0]
    chains = [_continue([tr], [x for x in tracklets if x is not tr], t, size[0]) for tr in starters]

    def stood(chain):
        r = [c.seated_ratio for tr in chain for c in tr.cands if np.isfinite(c.seated_ratio)]
        return bool(r) and np.percentile(r, 90) >= STOOD_MIN_SHANK

    risers = [c for c in chains if stood(c)]
    if len(risers) > 1:
        return PatientTrack(empty, len(tracklets), most, 0, problem=(
            f"{len(risers)} people were seated at the start and got up: the patient cannot be told apart; "
            "record the test with only the patient seated"))
    chain = risers[0] if risers else max(chains, key=lambda c: sum(len(tr.cands) for tr in c))
    poses = list(empty)
    for tr in chain:
        for c in tr.cands:
            poses[c.frame] = c.pose
    x = chain[0].cands[0].centre[0] / size[0]
    where = "on the left" if x < 1 / 3 else "on the right" if x > 2 / 3 else "in the middle"
    return PatientTrack(poses, len(tracklets), most, len(chain), where=f"the person seated {where} of the picture")
