"""A rep as a walk along one progress signal: rest -> out -> target -> back -> rest.

Every exercise reduces a pose to ``progress`` (0 = rest position, 1 = target position, relative
to the person's own calibration). This machine turns that signal into rep boundaries with:

- hysteresis: leaving rest needs ``start``, coming back needs ``rest`` (< start); the target is
  entered at ``target`` and left below ``target_exit``, so jitter at a threshold never
  double-counts;
- times in seconds, never frame counts (live frames are dropped);
- gap handling: a rep is never carried across a hole longer than ``max_gap_s``;
- a settled rest before the first rep, so getting into position is not a rep.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PhaseConfig:
    start: float = 0.25  # progress that means the movement has begun
    rest: float = 0.12  # back at rest below this (hysteresis band start..rest)
    target: float = 0.85  # the rep reaches its goal at this progress
    target_exit: float = 0.7  # leaving the goal below this
    attempt_min: float = 0.35  # a failed excursion smaller than this is fidgeting, not an attempt
    min_rest_s: float = 0.3  # rest must be held this long before the first rep (getting into position)
    min_rep_s: float = 0.3  # excursions shorter than this are noise
    min_target_s: float = 0.0  # hold needed at the goal for the rep to count
    max_gap_s: float = 0.7  # a longer hole in confident poses breaks the rep
    onset_level: float = 0.06  # start/end times are taken where progress crosses this
    rest_peak_fraction: float = 0.0  # also back at rest once within this fraction of the rep's peak
    exit_peak_fraction: float = 0.0  # also leaving the goal once below this fraction of the peak
    settle_s: float = 0.0  # after reaching rest, wait up to this long for the signal to bottom out
    mid_rep_start: bool = False  # a first sample past start opens a rep (at the goal: only if it rises further)

    def __post_init__(self) -> None:
        if not (self.onset_level <= self.rest < self.start <= self.attempt_min <= self.target_exit < self.target):
            raise ValueError(f"thresholds must satisfy onset <= rest < start <= attempt <= exit < target: {self}")


@dataclass(frozen=True)
class Transition:
    """What the machine saw at this sample.

    kind: "start" (left rest; ``time_s`` is the backdated onset), "target" (goal reached; the
    rep counts from now), "end" (rep over: ``reached`` says whether it met the goal),
    "abort" (broken by a gap or the person leaving; ``reached`` as for end).
    """

    kind: str
    time_s: float
    reached: bool = False
    peak: float = 0.0
    start_s: float | None = None  # on "end"/"abort": when the rep began
    target_s: float | None = None  # on "end"/"abort": when the goal was reached (None if never)


WAITING, REST, OUT, TARGET, BACK, SETTLE = "waiting", "rest", "out", "target", "back", "settle"
ACTIVE = (OUT, TARGET, BACK, SETTLE)  # a rep is in progress


@dataclass
class PhaseMachine:
    config: PhaseConfig = field(default_factory=PhaseConfig)
    phase: str = WAITING
    peak: float = 0.0
    start_s: float = 0.0
    target_s: float | None = None
    reached: bool = False
    _rest_since: float | None = None
    _onset_s: float | None = None  # last time progress was at rest level
    _last_t: float | None = None
    _last_p: float | None = None
    _first_at_goal: float | None = None  # a clip that starts at the goal: the level first seen there

    def reset(self) -> None:
        self.phase = WAITING
        self._rest_since = self._onset_s = self._last_t = self._last_p = self._first_at_goal = None
        self.peak, self.reached, self.target_s = 0.0, False, None

    def gap(self, t: float) -> list[Transition]:
        """Call on a frame without a confident pose; breaks the rep once the hole is too long."""
        if self._last_t is None or t - self._last_t <= self.config.max_gap_s:
            return []
        return self._abort(self._last_t)

    def _abort(self, t: float) -> list[Transition]:
        out = []
        if self.phase in ACTIVE:
            out.append(Transition("abort", t, self.reached, self.peak, self.start_s, self.target_s))
        self.reset()
        return out

    def update(self, t: float, progress: float, settled: bool = False) -> list[Transition]:
        """Feed one confident sample. ``settled``: the caller knows the signal has been still
        for a while (its own window), which stands in for ``min_rest_s`` when waiting."""
        c = self.config
        out = self.gap(t)
        prev_t, prev_p = self._last_t, self._last_p
        self._last_t, self._last_p = t, progress
        crossing = _crossing_time(prev_t, prev_p, t, progress, c.onset_level)

        if self.phase == WAITING:
            if c.mid_rep_start and prev_t is None and progress >= c.start:
                # The first sight is part-way out (a clip that starts mid-rep): the rep began
                # before we saw it. One that starts AT the goal counts only if it goes on rising
                # (we see it reach its top); one that only comes back had its top unseen.
                self.phase = OUT
                self.start_s = t
                self.peak, self.reached, self.target_s = progress, False, None
                self._first_at_goal = progress if progress >= c.target else None
                return out + [Transition("start", t)]
            # Below the start threshold and holding there is "in position"; the tighter rest
            # band only matters for ending a rep.
            if progress < c.start:
                self._rest_since = t if self._rest_since is None else self._rest_since
                if settled or t - self._rest_since >= c.min_rest_s:
                    self.phase = REST
                    self._onset_s = t
            else:
                self._rest_since = None
            return out

        if self.phase == SETTLE:
            out += self._settle(t, prev_t, prev_p, progress)
            if self.phase == SETTLE:
                return out

        if self.phase == REST:
            if progress <= c.onset_level:
                self._onset_s = t
            elif crossing is not None:
                self._onset_s = crossing
            if progress >= c.start:
                self.phase = OUT
                self.start_s = self._onset_s if self._onset_s is not None else t
                self.peak, self.reached, self.target_s = progress, False, None
                out.append(Transition("start", self.start_s))
            else:
                return out

        if self.phase == OUT and self._first_at_goal is not None:
            margin = (c.target - c.target_exit) / 2  # beyond the jitter at the goal's own hysteresis
            if progress > self._first_at_goal + margin:
                self._first_at_goal = None  # still rising: its top is ours to see
            elif progress < self._first_at_goal - margin:
                self.reset()  # only coming back: a rep whose top came before the recording
                self._last_t, self._last_p = t, progress
                return out + [Transition("end", t, False, 0.0, self.start_s)]
            else:
                return out
        self.peak = max(self.peak, progress)
        if self.phase == OUT:
            if progress >= c.target:
                self.phase = TARGET
                self.target_s = _crossing_time(prev_t, prev_p, t, progress, c.target) or t
            elif progress <= c.rest:
                return out + self._close(t, prev_t, prev_p, progress)
        if self.phase == TARGET:
            target_s = self.target_s if self.target_s is not None else t
            if not self.reached and t - target_s >= c.min_target_s:
                self.reached = True
                out.append(Transition("target", target_s, True, self.peak))
            if progress < max(c.target_exit, c.exit_peak_fraction * self.peak):
                self.phase = BACK
        if self.phase == BACK:
            if progress >= c.target:
                self.phase = TARGET
            elif progress <= max(c.rest, c.rest_peak_fraction * self.peak):
                if c.settle_s > 0 and progress > c.onset_level:
                    self.phase = SETTLE
                    self._settle_since, self._low = t, (t, progress)
                    return out
                return out + self._close(t, prev_t, prev_p, progress)
        return out

    def _settle(self, t, prev_t, prev_p, progress) -> list[Transition]:
        """Back near rest: the rep ends where the signal bottoms out (e.g. buttocks on the seat),
        not where it crossed the rest threshold on the way."""
        c = self.config
        if progress <= c.onset_level:
            return self._close(t, prev_t, prev_p, progress, level=c.onset_level)
        if progress < self._low[1]:
            self._low = (t, progress)
        if progress >= self._low[1] + (c.start - c.rest) or t - self._settle_since >= c.settle_s:
            end_t = self._low[0]
            closed = self._close(t, prev_t, prev_p, progress, end=end_t)
            self._onset_s = end_t
            return closed
        return []

    def _close(self, t, prev_t, prev_p, progress, level=None, end=None) -> list[Transition]:
        c = self.config
        if end is None:
            level = max(c.onset_level, min(progress, c.rest)) if level is None else level
            end = _crossing_time(prev_t, prev_p, t, progress, level) or t
        reached, peak = self.reached, self.peak
        self.phase = REST
        self._onset_s = t
        if (not reached and peak < c.attempt_min) or end - self.start_s < c.min_rep_s:
            return [Transition("end", end, False, 0.0, self.start_s)]  # fidget: peak 0 so callers drop it
        return [Transition("end", end, reached, peak, self.start_s, self.target_s if reached else None)]

    def finish(self, t: float) -> list[Transition]:
        """End of input: a rep in progress is closed as it stands."""
        if self.phase in ACTIVE:
            reached = self.reached or (self.phase in (TARGET, BACK, SETTLE) and self.target_s is not None)
            end = self._last_t if self._last_t is not None else t
            result = [Transition("end", end, reached, self.peak, self.start_s, self.target_s if reached else None)]
            self.reset()
            return result
        return []

    @property
    def at_rest(self) -> bool:
        return self.phase == REST


def _crossing_time(t0, p0, t1, p1, level) -> float | None:
    """Time the signal crossed ``level`` between two samples (linear), or None."""
    if t0 is None or p0 is None:
        return None
    if (p0 - level) * (p1 - level) > 0 or p0 == p1:
        return None
    return t0 + (level - p0) / (p1 - p0) * (t1 - t0)
