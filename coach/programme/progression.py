"""Progression and regression suggestions, for the physio to accept or ignore: never applied.

The rules (thresholds in ``ProgressionRules``, adjustable per programme):

- **Progress** when the last ``sessions_to_progress`` sessions of the exercise were all completed
  with the prescribed sets and reps, each with at most ``good_form_max_fault_rate`` of counted reps
  showing a fault, no fatigue and no safety event. The change is the first possible step in
  ``progress_order``: more reps (up to ``max_reps``), less support, slower tempo, harder variant.
  A balance hold's target is met only by holds that lasted ``hold_s``; its "reps" step is a longer
  hold first (``hold_step_s`` up to ``max_hold_s``), then more holds.
- **Regress** when the latest session was stopped for pain or had a fall-like event, or its fault
  rate reached ``regress_fault_rate``, or the fault rate rose over the last three sessions to above
  the good-form limit, or fatigue showed in two of the last three sessions, or the target was
  missed in the last two. The change is the first possible step in ``regress_order``.

Fatigue: within a set, the last third of reps took ``fatigue_slowdown`` longer than the first third.

Sessions that say nothing about the prescription are ignored: excluded by the physio, interrupted
(crash, closed tab), still recording, with no counted rep, or a validated test's own session.
Every suggestion names the sessions it rests on (ids and dates) in its reason.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from statistics import mean

from coach.programme.model import SUPPORT_LEVELS, VARIANTS, Programme, ProgrammeExercise, ProgressionRules
from coach.store.records import SessionRecord

SAFETY_EVENTS = ("stopped_for_pain", "fall_like")


@dataclass(frozen=True)
class SessionOutcome:
    """How one session of an exercise went, as the rules see it."""

    session_id: int
    target_met: bool
    fault_rate: float  # share of counted reps with at least one fault
    fatigued: bool
    safety_events: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    exercise: str
    kind: str  # "progress" or "regress"
    change: dict  # field -> new value, e.g. {"reps": 12}
    reason: str
    session_ids: tuple[int, ...]

    def describe(self, current: ProgrammeExercise) -> str:
        changes = ", ".join(f"{k} {getattr(current, k) if getattr(current, k) is not None else '-'} -> {v}"
                            for k, v in self.change.items())
        return f"{self.exercise}: {self.kind} ({changes}) because {self.reason}"


def outcome(record: SessionRecord, item: ProgrammeExercise, rules: ProgressionRules) -> SessionOutcome:
    counted_per_set = [_on_target(s.reps, item) for s in record.sets]
    target_met = (record.summary.status == "complete" and len(counted_per_set) >= item.sets
                  and all(c >= item.reps for c in counted_per_set[:item.sets]))
    counted = [r for r in record.reps if r.counted]
    fault_rate = sum(1 for r in counted if r.faults) / len(counted) if counted else 0.0
    # a hold's duration is its score, not a sign of slowing: the rep-time fatigue rule is not for holds
    fatigued = not item.is_hold and any(_slowdown([r for r in s.reps if r.counted]) >= rules.fatigue_slowdown
                                        for s in record.sets)
    safety = tuple(e.kind for e in record.events if e.kind in SAFETY_EVENTS)
    return SessionOutcome(record.summary.id, target_met, fault_rate, fatigued, safety)


def _on_target(reps, item: ProgrammeExercise) -> int:
    """Counted reps of a set; for a balance hold with a target, only holds that lasted it."""
    if item.is_hold and item.hold_s:
        return sum(1 for r in reps if r.counted and r.metrics.get("hold_s", 0.0) >= item.hold_s - 1e-6)
    return sum(1 for r in reps if r.counted)


def _slowdown(reps) -> float:
    """Relative increase in rep duration from the first third of a set to the last third."""
    if len(reps) < 6:
        return 0.0
    third = len(reps) // 3
    first = mean(r.end_s - r.start_s for r in reps[:third])
    last = mean(r.end_s - r.start_s for r in reps[-third:])
    return (last - first) / first if first > 0 else 0.0


def counts_for_progression(record: SessionRecord) -> bool:
    """False for sessions that must not move a suggestion (see the module notes)."""
    s = record.summary
    return (not getattr(s, "excluded", False) and s.status in ("complete", "stopped") and s.reps > 0
            and (record.settings or {}).get("mode") != "test")


def suggest(programme: Programme, records: list[SessionRecord]) -> list[Suggestion]:
    """One suggestion at most per exercise, from its sessions (any order) since the programme's
    current version was saved; sessions under an older prescription say nothing about this one."""
    rules = programme.rules
    out = []
    for item in programme.exercises:
        mine = sorted((r for r in records if r.summary.exercise == item.exercise and counts_for_progression(r)
                       and (programme.created_at is None or r.summary.started_at >= programme.created_at)),
                      key=lambda r: r.summary.started_at)
        when = {r.summary.id: r.summary.started_at for r in mine}
        outcomes = [outcome(r, item, rules) for r in mine]
        s = _regression(item, outcomes, rules) or _progression(item, outcomes, rules)
        if s:
            named = ", ".join(f"#{i} ({when[i]:%Y-%m-%d})" for i in s.session_ids)
            out.append(replace(s, reason=f"{s.reason} [sessions {named}]"))
    return out


def _progression(item, outcomes, rules) -> Suggestion | None:
    n = rules.sessions_to_progress
    recent = outcomes[-n:]
    if len(recent) < n or not all(o.target_met and o.fault_rate <= rules.good_form_max_fault_rate
                                  and not o.fatigued and not o.safety_events for o in recent):
        return None
    change = _step(item, rules.progress_order, rules, harder=True)
    if not change:
        return None
    rates = ", ".join(f"{o.fault_rate:.0%}" for o in recent)
    return Suggestion(item.exercise, "progress", change,
                      f"target met with good form in the last {n} sessions (reps with faults: {rates})",
                      tuple(o.session_id for o in recent))


def _regression(item, outcomes, rules) -> Suggestion | None:
    if not outcomes:
        return None
    latest = outcomes[-1]
    last3 = outcomes[-3:]
    reason = ""
    if latest.safety_events:
        reason = f"the latest session had: {', '.join(latest.safety_events)}"
    elif latest.fault_rate >= rules.regress_fault_rate:
        reason = f"{latest.fault_rate:.0%} of reps had faults in the latest session"
    elif (len(last3) == 3 and last3[0].fault_rate < last3[1].fault_rate < last3[2].fault_rate
          and last3[2].fault_rate > rules.good_form_max_fault_rate):
        reason = "faults rising: " + " -> ".join(f"{o.fault_rate:.0%}" for o in last3)
    elif sum(o.fatigued for o in last3) >= 2:
        reason = f"reps slowed by {rules.fatigue_slowdown:.0%} or more late in sets in 2 of the last 3 sessions"
    elif len(outcomes) >= 2 and not outcomes[-1].target_met and not outcomes[-2].target_met:
        reason = "target not reached in the last 2 sessions"
    if not reason:
        return None
    change = _step(item, rules.regress_order, rules, harder=False)
    if not change:
        return None
    return Suggestion(item.exercise, "regress", change, reason, tuple(o.session_id for o in last3))


def _step(item: ProgrammeExercise, order, rules: ProgressionRules, harder: bool) -> dict:
    """The first change in ``order`` that is still possible, as {field: new value}."""
    for what in order:
        if what == "reps" and item.is_hold and item.hold_s is not None:  # longer (shorter) before more (fewer)
            if harder and item.hold_s < rules.max_hold_s:
                return {"hold_s": min(item.hold_s + rules.hold_step_s, rules.max_hold_s)}
            if not harder and item.hold_s > rules.hold_step_s:
                return {"hold_s": item.hold_s - rules.hold_step_s}
        if what == "reps":
            reps = item.reps + rules.rep_step if harder else item.reps - rules.rep_step
            if harder and item.reps < rules.max_reps:
                return {"reps": min(reps, rules.max_reps)}
            if not harder and item.reps > rules.min_reps:
                return {"reps": max(reps, rules.min_reps)}
        elif what == "support":
            i = SUPPORT_LEVELS.index(item.support) + (1 if harder else -1)
            if 0 <= i < len(SUPPORT_LEVELS):
                return {"support": SUPPORT_LEVELS[i]}
        elif what == "tempo":
            if item.tempo_per_min is not None or item.is_hold:
                continue  # a metronome rate is a cueing choice, and a hold has no tempo: not a difficulty step
            tempo = item.tempo_s or 2.0  # own pace counts as about 2 s a rep
            if harder and tempo < rules.max_tempo_s:
                return {"tempo_s": min(tempo + rules.tempo_step_s, rules.max_tempo_s)}
            if not harder and item.tempo_s is not None:
                return {"tempo_s": None}
        elif what == "variant":
            ladder = VARIANTS[item.exercise]
            i = ladder.index(item.effective_variant) + (1 if harder else -1)
            if 0 <= i < len(ladder):
                return {"variant": ladder[i]}
    return {}


def accept(programme: Programme, suggestion: Suggestion, author: str = "") -> Programme:
    """The programme with the suggestion applied: a new version for the store to save."""
    item = programme.exercise(suggestion.exercise)
    if item is None:
        raise ValueError(f"{suggestion.exercise} is not in the programme")
    note = f"accepted suggestion: {suggestion.describe(item)}"
    return replace(programme.with_exercise(replace(item, **suggestion.change)), author=author, note=note)
