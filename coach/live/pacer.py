"""Paced movement live: the beat grid the patient hears, and each rep judged against it.

The beats fall on multiples of the period since the Unix epoch (wall clock). The speaker on the
laptop (``coach.live.beat_player``) and the browser's metronome (WebAudio, ``coach.app.live_panels``)
read the same wall clock on the same machine, so they click on the same grid without talking to
each other; the session maps it to its own frame times through ``sync`` (the wall time a frame
was captured). Per rep: timing error against the nearest beat and amplitude against the person's
own best (``exercises.pacing``), a "Bigger!" cue when a movement shrinks under 80% of it, and at
the set's end its pacing summary (timing, missed beats, amplitude decrement).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from exercises.base import Rep
from exercises.pacing import PacingResult, Tempo, amplitude_metric, pacing_metrics

from coach.live.cues import COACH, Cue

PULSE_S = 0.18  # the visual beat: a flash this long from each beat
BIGGER_CUE = "Bigger!"
OFF_BEAT_CUE = "Move with the beat."
OFF_BEAT_SHARE = 0.3  # a rep starting more than 30% of a period off its beat...
OFF_BEAT_REPS = 2  # ... twice in a row earns the reminder
CUE_GAP_S = 4.0  # pacing cues at most this often: cue, not nag
# Movement onset: a rep's start_s is where its signal crossed the counting band, a few tenths of a
# second after the movement began. The onset is found from where the signal left its rest level by
# ONSET_LOW and by ONSET_HIGH of the rep's range, taken back to zero on a square-root scale (a
# movement from rest starts slowly: a fixed low threshold alone dates it late).
ONSET_LOW, ONSET_HIGH = 0.05, 0.25
REST_SPEED_SHARE = 0.1  # slower than 10% of the rep's range a second: standing still (its rest level)
TRACE_S = 12.0  # the session keeps this much of the key measure for dating onsets


def movement_onset(trace: list[tuple[float, float]], start_s: float, end_s: float, look_back_s: float) -> float | None:
    """When the movement of a rep (``start_s`` .. ``end_s``) began, from ``trace`` [(t, value)] of
    its key measure; None when the trace does not cover it."""
    seen = [(t, v) for t, v in trace if start_s - look_back_s <= t <= end_s]
    if len(seen) < 5:
        return None
    v_end = min(seen, key=lambda tv: abs(tv[0] - end_s))[1]  # a rep ends back at (about) its rest
    t_peak, peak = max((tv for tv in seen if tv[0] >= start_s), key=lambda tv: abs(tv[1] - v_end))
    d = 1.0 if peak >= v_end else -1.0
    # Rest: walking back from the peak, past the movement, the first moment the signal stood
    # (nearly) still or turned: the level the movement left (never the rep before's excursion).
    still = REST_SPEED_SHARE * abs(peak - v_end)
    before = [tv for tv in seen if tv[0] <= t_peak]
    t_rest, rest = before[0]
    moving = False
    for (t0, v0), (t1, v1) in zip(reversed(before[:-1]), reversed(before[1:])):
        if t1 - t0 <= 0:
            continue
        speed = d * (v1 - v0) / (t1 - t0)
        if speed >= still:
            moving = True
        elif moving:
            t_rest, rest = t1, v1
            break
    span = d * (peak - rest)
    if span <= 0:
        return None
    rising = [(t, d * (v - rest) / span) for t, v in trace if t_rest <= t <= end_s]

    def crossing(level: float) -> float | None:
        for (t0, a), (t1, b) in zip(rising, rising[1:]):
            if a < level <= b:
                return t0 + (t1 - t0) * (level - a) / (b - a)
        return None

    lo, hi = crossing(ONSET_LOW), crossing(ONSET_HIGH)
    if lo is None or hi is None or hi <= lo:
        return lo
    # A movement starting from rest accelerates: the square root of the distance grows about
    # linearly with time, so the line through the two crossings on that scale meets zero at onset.
    a, b = ONSET_LOW ** 0.5, ONSET_HIGH ** 0.5
    return max(lo - (hi - lo) * a / (b - a), t_rest)


def beat_phase(period_s: float, wall_s: float) -> float:
    """Seconds since the last beat of the epoch grid at wall time ``wall_s``."""
    return wall_s % period_s


@dataclass(frozen=True)
class BeatStatus:
    """The metronome at one frame, for the screen."""

    period_s: float
    since_beat_s: float  # seconds since the last beat
    beat_no: int  # beats since the set started (0 before the first)

    @property
    def per_min(self) -> float:
        return 60.0 / self.period_s

    @property
    def pulse(self) -> float:
        """1 at the beat, fading to 0 over ``PULSE_S`` (how bright the beat marker is)."""
        return max(0.0, 1.0 - self.since_beat_s / PULSE_S)


@dataclass
class LivePacer:
    tempo: Tempo
    amplitude_key: str | None = None
    best: float | None = None  # the person's best amplitude so far (None: the best of this set; then of today's sets)
    wall_offset_s: float | None = None  # wall clock - session time (set by ``sync``)
    results: list[PacingResult] = field(default_factory=list, init=False)
    _set_reps: list[Rep] = field(default_factory=list, init=False)
    _first_beat_s: float | None = field(default=None, init=False)
    _judged_from: float | None = field(default=None, init=False)
    _off_beat_run: int = field(default=0, init=False)
    _last_cue_s: float = field(default=-math.inf, init=False)

    @classmethod
    def for_exercise(cls, exercise: str, tempo: Tempo, best: float | None = None) -> "LivePacer":
        return cls(tempo, amplitude_metric(exercise), best)

    # --- the clock ----------------------------------------------------------------------------

    def sync(self, t: float, wall_s: float) -> None:
        """A frame at session time ``t`` was captured at wall time ``wall_s``. The smallest
        offset seen wins: delays only ever make a frame arrive later than it was taken."""
        offset = wall_s - t
        if self.wall_offset_s is None or offset < self.wall_offset_s:
            self.wall_offset_s = offset

    def _wall(self, t: float) -> float:
        return t + (self.wall_offset_s or 0.0)

    def beat_at_or_after(self, t: float) -> float:
        """Session time of the first beat at or after ``t``."""
        p = self.tempo.period_s
        since = beat_phase(p, self._wall(t))
        return t if since < 1e-9 else t + (p - since)

    def status(self, t: float) -> BeatStatus:
        since = beat_phase(self.tempo.period_s, self._wall(t))
        n = 0 if self._first_beat_s is None or t < self._first_beat_s - 1e-9 else \
            int(round((t - since - self._first_beat_s) / self.tempo.period_s)) + 1
        return BeatStatus(self.tempo.period_s, since, n)

    # --- the set ------------------------------------------------------------------------------

    def start_set(self, t: float) -> None:
        self._set_reps, self._off_beat_run = [], 0
        self._first_beat_s = self.beat_at_or_after(t)
        self._judged_from = None

    def nearest_beat(self, t: float) -> float:
        after = self.beat_at_or_after(t)
        return after - self.tempo.period_s if after - t > self.tempo.period_s / 2 else after

    def on_rep(self, t: float, rep: Rep, trace: list[tuple[float, float]] = ()) -> tuple[Rep, list[Cue]]:
        """The rep with its pacing metrics added (``onset_s``, ``beat``, ``timing_error_s``,
        ``amplitude_share``) and any pacing cue. ``trace``: the key measure's recent (t, value),
        to date the movement's onset (else the rep's start is used)."""
        onset = movement_onset(list(trace), rep.start_s, rep.end_s, self.tempo.period_s)
        timed = replace(rep, start_s=onset) if onset is not None else rep
        if self._first_beat_s is None:
            self.start_set(timed.start_s)
        if timed.start_s < self._first_beat_s - self.tempo.period_s / 2:
            # Begun at "Go", before the first beat could be heard: there is no beat to judge it by.
            return replace(rep, metrics={**rep.metrics, "onset_s": round(timed.start_s, 3)}), []
        if self._judged_from is None:
            # The set's rhythm counts from the beat nearest its first rep: joining on the second or
            # third beat is not a missed beat, and that rep's own error still counts.
            self._judged_from = self.nearest_beat(timed.start_s)
        self._set_reps.append(timed)
        result = pacing_metrics(self._set_reps, self.tempo, self.amplitude_key, first_beat_s=self._judged_from,
                                best=self.best)
        paced = next((p for p in result.reps if p.index == rep.index), None)
        if paced is None:
            return rep, []
        metrics = {**rep.metrics, "onset_s": round(timed.start_s, 3), "beat": float(paced.beat + 1),
                   "timing_error_s": paced.timing_error_s}
        if paced.amplitude_share is not None:
            metrics["amplitude_share"] = paced.amplitude_share
        cues = []
        off = abs(paced.timing_error_s) > OFF_BEAT_SHARE * self.tempo.period_s
        self._off_beat_run = self._off_beat_run + 1 if off else 0
        if paced.bigger_cue:
            cues = self._cue(BIGGER_CUE, t)
        elif self._off_beat_run >= OFF_BEAT_REPS:
            cues = self._cue(OFF_BEAT_CUE, t)
        return replace(rep, metrics=metrics), cues

    def end_set(self) -> PacingResult | None:
        """The finished set's pacing (None when it had no reps)."""
        if not self._set_reps:
            self._first_beat_s = None
            return None
        result = pacing_metrics(self._set_reps, self.tempo, self.amplitude_key, first_beat_s=self._judged_from,
                                best=self.best)
        self.results.append(result)
        self._set_reps, self._first_beat_s = [], None
        if result.best_amplitude is not None:  # the next set is held to the best so far today
            self.best = max(self.best or 0.0, result.best_amplitude)
        return result

    def _cue(self, text: str, t: float) -> list[Cue]:
        if t - self._last_cue_s < CUE_GAP_S:
            return []
        self._last_cue_s = t
        return [Cue(text, COACH, t)]
