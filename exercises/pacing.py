"""Paced movement against a metronome (Parkinson's: rhythmic cueing, big-amplitude training).

Pure: ``pacing_metrics(reps, tempo, amplitude_key)`` compares a set's reps with the beat and with
the person's own best amplitude, and says whether the amplitude shrank over the set.

- Timing: each rep is matched with the beat nearest to its movement onset (``Rep.start_s``; the
  beat tells the person when to start); the error is rep onset minus beat time, in seconds
  (positive: late). The beats run from ``first_beat_s`` (default: the first rep's onset, so a
  set is judged on its rhythm, not on how soon it started) every ``tempo.period_s``.
- Amplitude: the rep's ``amplitude_key`` metric (the spec's ``amplitude_metric``, e.g. ``range_deg`` for head turns,
  ``peak_shoulder_deg`` for arm raises, ``lift_height_cm`` for heel raises, ``reach_distance_cm``)
  over the person's own best (``best`` if given, e.g. from earlier sessions; else the best of
  this set, of the same side for reps of one side). A rep under ``cue_share`` of the best earns the "Bigger!" cue.
- Decrement: the sequence effect, amplitude shrinking rep after rep, is a recognised sign of
  Parkinson's disease (hypokinesia). Flagged when the mean of the set's last third is at least
  ``decrement_share`` under the mean of its first third and the fitted trend is downhill.
  CLINICAL.md has no cut-off for it; 20% is a screening default for the physio to review.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from exercises.base import Rep

CUE_SHARE = 0.8  # a rep under 80% of the own best: "Bigger!"
DECREMENT_SHARE = 0.2  # last third 20% under the first third: amplitude decrement over the set
MIN_REPS_FOR_DECREMENT = 6  # thirds of at least two reps


@dataclass(frozen=True)
class Tempo:
    """A metronome tempo: ``period_s`` seconds per rep (``Tempo.per_minute(40)`` = 1.5 s)."""

    period_s: float

    def __post_init__(self) -> None:
        if not self.period_s > 0:
            raise ValueError(f"a tempo needs a positive period, got {self.period_s!r} s")

    @classmethod
    def per_minute(cls, reps_per_minute: float) -> "Tempo":
        if not reps_per_minute > 0:
            raise ValueError(f"reps per minute must be positive, got {reps_per_minute!r}")
        return cls(60.0 / reps_per_minute)

    @property
    def per_min(self) -> float:
        return 60.0 / self.period_s

    def beats(self, first_s: float, until_s: float) -> np.ndarray:
        n = int(np.floor((until_s - first_s) / self.period_s + 1e-9)) + 1
        return first_s + self.period_s * np.arange(max(n, 0))


@dataclass(frozen=True)
class PacedRep:
    index: int  # the rep's own index (1-based among counted reps)
    beat: int  # 0-based beat it was matched with
    timing_error_s: float  # onset - beat; positive: late
    amplitude: float | None
    amplitude_share: float | None  # of the own best
    bigger_cue: bool


@dataclass
class PacingResult:
    tempo_per_min: float
    reps: list[PacedRep] = field(default_factory=list)
    cadence_per_min: float | None = None  # the pace kept: counted reps per minute (usual onset-to-onset gap)
    mean_abs_error_s: float | None = None
    missed_beats: int = 0  # beats within the set with no rep
    best_amplitude: float | None = None
    decrement: bool = False
    decrement_share: float | None = None  # 1 - last third / first third
    trend_per_rep: float | None = None  # fitted change of the amplitude share per rep
    message: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def pacing_metrics(reps: list[Rep], tempo: Tempo | float, amplitude_key: str | None = None, *,
                   first_beat_s: float | None = None, best: float | None = None, cue_share: float = CUE_SHARE,
                   decrement_share: float = DECREMENT_SHARE) -> PacingResult:
    """Timing against the beat and amplitude against the own best, per counted rep, for one set.

    ``tempo``: a ``Tempo`` or seconds per rep. ``amplitude_key``: the rep metric that measures
    the movement's size (None: timing only)."""
    tempo = tempo if isinstance(tempo, Tempo) else Tempo(float(tempo))
    counted = sorted((r for r in reps if r.counted), key=lambda r: r.start_s)
    result = PacingResult(round(tempo.per_min, 3))
    if not counted:
        result.message = "No counted reps to pace."
        return result
    t0 = counted[0].start_s if first_beat_s is None else first_beat_s
    amps = [r.metrics.get(amplitude_key) if amplitude_key else None for r in counted]
    amps = [float(a) if a is not None and np.isfinite(a) else None for a in amps]
    seen = [a for a in amps if a is not None]
    ref = best if best is not None else (max(seen) if seen else None)
    result.best_amplitude = ref
    # Without an earlier best, each limb is sized against its own best in the set: a weak leg's
    # steps are not all "Bigger!" against the strong leg's.
    own_best = {}
    for r, a in zip(counted, amps):
        if a is not None and r.side in ("left", "right"):
            own_best[r.side] = max(own_best.get(r.side, a), a)
    used = set()
    for r, a in zip(counted, amps):
        k = max(int(round((r.start_s - t0) / tempo.period_s)), 0)
        used.add(k)
        side_ref = own_best.get(r.side, ref) if best is None else ref
        share = a / side_ref if (a is not None and side_ref) else None
        result.reps.append(PacedRep(r.index, k, round(r.start_s - (t0 + k * tempo.period_s), 3), a,
                                    None if share is None else round(share, 3),
                                    bool(share is not None and share < cue_share)))
    result.mean_abs_error_s = round(float(np.mean([abs(p.timing_error_s) for p in result.reps])), 3)
    gaps = np.diff([r.start_s for r in counted])
    if len(gaps) and np.median(gaps) > 0:
        # The mean of the gaps near their median: a hesitation, a missed beat or a late-read first
        # onset is left out, and the frames' rounding of each onset averages away.
        usual = gaps[np.abs(gaps - np.median(gaps)) <= 0.25 * np.median(gaps)]
        result.cadence_per_min = round(60.0 / float(np.mean(usual)), 2)
    result.missed_beats = (max(used) + 1) - len(used)
    shares = [p.amplitude_share for p in result.reps if p.amplitude_share is not None]
    if len(shares) >= 2:
        result.trend_per_rep = round(float(np.polyfit(np.arange(len(shares)), shares, 1)[0]), 4)
    if len(shares) >= MIN_REPS_FOR_DECREMENT:
        third = len(shares) // 3
        first, last = float(np.mean(shares[:third])), float(np.mean(shares[-third:]))
        result.decrement_share = round(1.0 - last / first, 3) if first > 0 else None
        result.decrement = bool(result.decrement_share is not None and result.decrement_share >= decrement_share
                                and result.trend_per_rep is not None and result.trend_per_rep < 0)
    kept = f" (kept {result.cadence_per_min:.0f} per minute)" if result.cadence_per_min is not None else ""
    words = [f"{len(result.reps)} reps at {result.tempo_per_min:g} per minute{kept}, "
             f"on average {result.mean_abs_error_s:.2f} s off the beat"]
    if result.missed_beats:
        words.append(f"{result.missed_beats} beat(s) without a rep")
    if result.decrement:
        words.append(f"movements shrank by {result.decrement_share:.0%} over the set (amplitude decrement)")
    result.message = "; ".join(words) + "."
    return result


def amplitude_metric(exercise: str) -> str | None:
    """The rep metric that sizes ``exercise``'s movement (its spec's ``amplitude_metric``); None when
    size is not the point or the name is unknown (an old record)."""
    from exercises.registry import EXERCISES

    spec = EXERCISES.get(exercise)
    return (spec.amplitude_metric or None) if spec is not None else None
