"""Progression and regression suggestions, for the physio to accept or ignore: never applied.

The rules (thresholds in ``ProgressionRules``, adjustable per programme):

- **Progress** when the last ``sessions_to_progress`` sessions of the exercise were all completed
  with the prescribed sets and reps, each with at most ``good_form_max_fault_rate`` of counted reps
  showing a fault, no fatigue and no safety event. The change is the first possible step in
  ``progress_order``: more reps (up to ``max_reps``), less support, slower tempo, harder variant.
  A balance hold's target is met only by holds that lasted ``hold_s``; its "reps" step is a longer
  hold first (``hold_step_s`` up to ``max_hold_s``), then more holds.
- **Regress** only on the last ``sessions_to_regress`` sessions (never fewer; one bad day is not a
  trend): when every one of them had a fault rate of ``regress_fault_rate`` or more, or the fault
  rate rose through them to above the good-form limit, or fatigue showed in at least two thirds of
  them (at least two), or every one of them missed the target. The change is the first possible
  step in ``regress_order``.
- **Review** (no change suggested) when the latest session had a safety event (stopped for pain, a
  fall-like event) and the regression rules are not met: the physio decides, the rules do not
  make a prescription easier on one session.

Fatigue is the one judgement of ``exercises.fatigue`` (the live coach asks the same): a slowdown
that persists over the last reps of a set and exceeds the person's own rep-to-rep variation, in
that set and in their earlier sessions, by at least ``fatigue_slowdown``; judged on each set's
counted rep times, plus what the live coach found with its evidence (a loss of range, which only
the live session measures). Never for balance holds or paced sets (metronome), where slowing is
not fatigue. Fatigue events stored by the retired rule (no evidence) are not read.

Sessions that say nothing about the prescription are ignored: excluded by the physio, interrupted
(crash, closed tab), still recording, with no counted rep, or a validated test's own session.
Every suggestion names the sessions it rests on (ids and dates) in its reason.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from coach.programme.model import SUPPORT_LEVELS, VARIANTS, Programme, ProgrammeExercise, ProgressionRules
from coach.store.records import SessionRecord
from exercises.fatigue import MEASURES, SLOWER, FatigueParams, applies, baseline_variation, first_finding, from_detail

SAFETY_EVENTS = ("stopped_for_pain", "fall_like")
BASELINE_SESSIONS = 10  # a person's usual rep-to-rep variation: from up to this many earlier sessions


@dataclass(frozen=True)
class SessionOutcome:
    """How one session of an exercise went, as the rules see it."""

    session_id: int
    target_met: bool
    fault_rate: float  # share of counted reps with at least one fault
    fatigued: bool
    safety_events: tuple[str, ...]
    fatigue: tuple[str, ...] = ()  # what showed it, per set: "set 2: reps took 35% longer from rep 8 ..."


@dataclass(frozen=True)
class Suggestion:
    exercise: str
    kind: str  # "progress", "regress" or "review" (a safety event: no change suggested, the physio decides)
    change: dict  # field -> new value, e.g. {"reps": 12}
    reason: str
    session_ids: tuple[int, ...]

    def describe(self, current: ProgrammeExercise) -> str:
        changes = ", ".join(f"{k} {getattr(current, k) if getattr(current, k) is not None else '-'} -> {v}"
                            for k, v in self.change.items())
        return f"{self.exercise}: {self.kind}{f' ({changes})' if changes else ''} because {self.reason}"


def outcome(record: SessionRecord, item: ProgrammeExercise, rules: ProgressionRules,
            baseline: dict[str, float] | None = None) -> SessionOutcome:
    """``baseline``: the person's usual variation from earlier sessions (``fatigue_baseline``)."""
    counted_per_set = [_on_target(s.reps, item) for s in record.sets]
    target_met = (record.summary.status == "complete" and len(counted_per_set) >= item.sets
                  and all(c >= item.reps for c in counted_per_set[:item.sets]))
    counted = [r for r in record.reps if r.counted]
    fault_rate = sum(1 for r in counted if r.faults) / len(counted) if counted else 0.0
    fatigue = session_fatigue(record, item, rules, baseline)
    safety = tuple(e.kind for e in record.events if e.kind in SAFETY_EVENTS)
    return SessionOutcome(record.summary.id, target_met, fault_rate, bool(fatigue), safety, fatigue)


def session_fatigue(record: SessionRecord, item: ProgrammeExercise, rules: ProgressionRules,
                    baseline: dict[str, float] | None = None) -> tuple[str, ...]:
    """The fatigue findings of a session, one line per set that showed it (empty: none)."""
    paced = bool((record.settings or {}).get("tempo_per_min")) or item.tempo is not None
    if not applies(item.exercise, paced) or item.is_hold:
        return ()
    params = replace(FatigueParams(), min_change=rules.fatigue_slowdown)
    found = {}
    for e in record.events:  # what the live coach found and said, with its evidence (range: live only)
        _, finding = from_detail(e.detail) if e.kind == "fatigue" else ("", None)
        if finding is not None:
            found.setdefault(_set_at(record, e.time_s), finding)
    for s in record.sets:
        if s.set_no in found:
            continue
        durations = [r.end_s - r.start_s for r in s.reps if r.counted]
        finding = first_finding(durations, None, params, baseline)
        if finding is not None:
            found[s.set_no] = finding
    return tuple(f"set {n}: {f.text}" if n is not None else f.text
                 for n, f in sorted(found.items(), key=lambda x: (x[0] is None, x[0] or 0)))


def _set_at(record: SessionRecord, t: float) -> int | None:
    """The set whose counted reps span session time ``t`` (a live fatigue event is dated by the
    rep that showed it); None when none does."""
    for s in record.sets:
        reps = [r for r in s.reps if r.counted]
        if reps and reps[0].start_s - 1e-6 <= t <= reps[-1].end_s + 1e-6:
            return s.set_no
    return None


def fatigue_baseline(records: list[SessionRecord]) -> dict[str, float]:
    """The person's usual rep-to-rep variation of rep times ({"duration_s": ...}) from these
    sessions' sets (the latest ``BASELINE_SESSIONS``); empty when no set was long enough to say."""
    latest = sorted(records, key=lambda r: r.summary.started_at)[-BASELINE_SESSIONS:]
    sets = [[r.end_s - r.start_s for r in s.reps if r.counted] for rec in latest for s in rec.sets]
    found = baseline_variation(sets)
    return {MEASURES[SLOWER]: found} if found is not None else {}


def _on_target(reps, item: ProgrammeExercise) -> int:
    """Counted reps of a set; for a balance hold with a target, only holds that lasted it."""
    if item.is_hold and item.hold_s:
        return sum(1 for r in reps if r.counted and r.metrics.get("hold_s", 0.0) >= item.hold_s - 1e-6)
    return sum(1 for r in reps if r.counted)


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
        history = sorted((r for r in records if r.summary.exercise == item.exercise and counts_for_progression(r)),
                         key=lambda r: r.summary.started_at)
        mine = [r for r in history if programme.created_at is None or r.summary.started_at >= programme.created_at]
        if rules.sessions_to_progress > 0:  # the rules read the latest outcomes only: judge just those
            mine = mine[-max(rules.sessions_to_progress, rules.sessions_to_regress, 1):]  # (a year: ~300 sessions)
        when = {r.summary.id: r.summary.started_at for r in mine}
        outcomes = [outcome(r, item, rules, fatigue_baseline([h for h in history
                                                              if h.summary.started_at < r.summary.started_at]))
                    for r in mine]
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
    """Easier only on ``sessions_to_regress`` sessions; a safety event alone asks for a review."""
    if not outcomes:
        return None
    n = max(1, rules.sessions_to_regress)
    recent = outcomes[-n:]
    latest = outcomes[-1]
    reason = ""
    if len(recent) == n:
        rates = " -> ".join(f"{o.fault_rate:.0%}" for o in recent)
        need = min(n, max(2, math.ceil(2 * n / 3)))  # fatigue in two thirds of them, at least two
        fatigued = [o for o in recent if o.fatigued]
        if all(o.fault_rate >= rules.regress_fault_rate for o in recent):
            reason = (f"{rules.regress_fault_rate:.0%} or more of reps had faults in each of the last {n} sessions "
                      f"({rates})")
        elif (n >= 3 and all(a.fault_rate < b.fault_rate for a, b in zip(recent, recent[1:]))
              and recent[-1].fault_rate > rules.good_form_max_fault_rate):
            reason = f"faults rising: {rates}"
        elif len(fatigued) >= need:
            shown = "; ".join(f"#{o.session_id} {x}" for o in fatigued for x in o.fatigue)
            reason = (f"reps slowed late in sets (fatigue) in {len(fatigued)} of the last {n} sessions"
                      + (f": {shown}" if shown else ""))
        elif not any(o.target_met for o in recent):
            reason = f"target not reached in the last {n} sessions"
    if reason:
        change = _step(item, rules.regress_order, rules, harder=False)
        if change:
            if latest.safety_events:
                reason += f"; the latest session also had: {', '.join(latest.safety_events)}"
            return Suggestion(item.exercise, "regress", change, reason, tuple(o.session_id for o in recent))
    if latest.safety_events:
        return Suggestion(item.exercise, "review", {},
                          f"the latest session had: {', '.join(latest.safety_events)}; please review the "
                          f"prescription (one session does not make it easier by rule)", (latest.session_id,))
    return None


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
    if not suggestion.change:
        raise ValueError(f"the suggestion for {suggestion.exercise} is a review: there is no change to accept")
    note = f"accepted suggestion: {suggestion.describe(item)}"
    return replace(programme.with_exercise(replace(item, **suggestion.change)), author=author, note=note)
