"""Fatigue within a set, live: feeds each counted rep to the one judgement in ``exercises.fatigue``
(a slowdown or a loss of range that persists over several reps and exceeds the person's own
rep-to-rep variation) and says so once per set.

Pacing for fatigue-prone patients (MS: stop at about 80% of capacity) means suggesting a rest
*before* exhaustion, not after three reps that happened to differ. Range of motion is the key
angle's excursion during the rep, measured by the live session. The session does not ask for
balance holds or paced sets (``exercises.fatigue.applies``). The person's usual variation from
their earlier sessions (``baseline``) is optional: factories with a store pass it
(``monitor_for``).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from exercises.fatigue import FatigueFinding, FatigueParams, finding_now

DEFAULT_MARGIN = FatigueParams().min_change


@dataclass(frozen=True)
class FatigueSignal:
    time_s: float
    reason: str  # "slower" or "smaller"
    detail: str  # what is stored with the event: the text, then the evidence as JSON
    finding: FatigueFinding | None = None  # the evidence (rep values, levels, variation, trend)

    @property
    def text(self) -> str:
        """The finding in words, without the JSON (the set's summary, the CLI)."""
        return self.finding.text if self.finding is not None else self.detail


@dataclass
class FatigueMonitor:
    margin: float = DEFAULT_MARGIN  # smallest relative change that matters (physio setting, --fatigue-margin)
    baseline: dict[str, float] = field(default_factory=dict)  # earlier sessions' variation: duration_s / range_deg
    params: FatigueParams | None = None  # the rest of the judgement's thresholds (defaults: exercises.fatigue)
    _durations: list[float] = field(default_factory=list, init=False)
    _ranges: list[float] = field(default_factory=list, init=False)
    signalled: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.params = replace(self.params or FatigueParams(), min_change=self.margin)

    def reset(self) -> None:
        """Start of a new set."""
        self._durations, self._ranges, self.signalled = [], [], False

    def add_rep(self, time_s: float, duration_s: float, range_deg: float | None) -> FatigueSignal | None:
        """Record a counted rep; returns a signal once per set when fatigue shows."""
        self._durations.append(duration_s)
        self._ranges.append(np.nan if range_deg is None else range_deg)
        if self.signalled or len(self._durations) < self.params.min_reps:
            return None
        found = finding_now(self._durations, self._ranges, self.params, self.baseline)
        if found is None:
            return None
        self.signalled = True
        return FatigueSignal(time_s, found.reason, found.to_detail(), found)


BASELINE_SESSIONS = 10  # the latest sessions of the exercise that the usual variation is taken from


def monitor_for(store, patient_id: str | None, exercise: str, margin: float = DEFAULT_MARGIN) -> FatigueMonitor:
    """A monitor that knows the person's usual rep-to-rep variation from their latest sessions of
    this exercise (none without a store or patient, or when the store cannot be read)."""
    baseline: dict[str, float] = {}
    if store is not None and patient_id:
        from coach.programme.progression import counts_for_progression, fatigue_baseline

        try:
            mine = sorted((s for s in store.sessions(patient_id) if s.exercise == exercise), key=lambda s: s.started_at)
            records = [store.load_session(s.id) for s in mine[-2 * BASELINE_SESSIONS:]]
        except Exception:  # the store's own errors: coach without a baseline rather than not at all
            records = []
        baseline = fatigue_baseline([r for r in records if counts_for_progression(r)])  # as progression reads them
    return FatigueMonitor(margin=margin, baseline=baseline)
