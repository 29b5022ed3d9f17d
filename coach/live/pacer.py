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
from exercises.pacing import AMPLITUDE_KEYS, PacingResult, Tempo, pacing_metrics

from coach.live.cues import COACH, Cue

PULSE_S = 0.18  # the visual beat: a flash this long from each beat
BIGGER_CUE = "Bigger!"
OFF_BEAT_CUE = "Move with the beat."
OFF_BEAT_SHARE = 0.3  # a rep starting more than 30% of a period off its beat...
OFF_BEAT_REPS = 2  # ... twice in a row earns the reminder
CUE_GAP_S = 4.0  # pacing cues at most this often: cue, not nag


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
    best: float | None = None  # the person's best amplitude from before (None: the best of this set)
    wall_offset_s: float | None = None  # wall clock - session time (set by ``sync``)
    results: list[PacingResult] = field(default_factory=list, init=False)
    _set_reps: list[Rep] = field(default_factory=list, init=False)
    _first_beat_s: float | None = field(default=None, init=False)
    _judged_from: float | None = field(default=None, init=False)
    _off_beat_run: int = field(default=0, init=False)
    _last_cue_s: float = field(default=-math.inf, init=False)

    @classmethod
    def for_exercise(cls, exercise: str, tempo: Tempo, best: float | None = None) -> "LivePacer":
        return cls(tempo, AMPLITUDE_KEYS.get(exercise), best)

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

    def on_rep(self, t: float, rep: Rep) -> tuple[Rep, list[Cue]]:
        """The rep with its pacing metrics added (``beat``, ``timing_error_s``, ``amplitude_share``)
        and any pacing cue."""
        if self._first_beat_s is None:
            self.start_set(rep.start_s)
        if self._judged_from is None:
            # The set's rhythm counts from the beat its first rep started on: joining on the
            # second or third beat is not a missed beat, and that rep's own error still counts.
            self._judged_from = max(self.nearest_beat(rep.start_s), self._first_beat_s)
        self._set_reps.append(rep)
        result = pacing_metrics(self._set_reps, self.tempo, self.amplitude_key, first_beat_s=self._judged_from,
                                best=self.best)
        paced = next((p for p in result.reps if p.index == rep.index), None)
        if paced is None:
            return rep, []
        metrics = {**rep.metrics, "beat": float(paced.beat + 1), "timing_error_s": paced.timing_error_s}
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
        return result

    def _cue(self, text: str, t: float) -> list[Cue]:
        if t - self._last_cue_s < CUE_GAP_S:
            return []
        self._last_cue_s = t
        return [Cue(text, COACH, t)]
