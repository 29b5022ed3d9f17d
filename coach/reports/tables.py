"""The report's content as plain tables, shared by the HTML and PDF renderers."""
from __future__ import annotations

from dataclasses import dataclass, field

from coach import labels
from coach.reports.data import PatientHistory, SessionStats
from exercises import is_timed_hold
from exercises.fatigue import detail_words, from_detail
from exercises.faults import fault_info


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


@dataclass(frozen=True)
class Section:
    title: str
    lines: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[tuple[str, bytes], ...] = field(default_factory=tuple)


def _f(v, fmt="{:.1f}") -> str:
    return "" if v is None else fmt.format(v)


def _when(s: SessionStats) -> str:
    return labels.when(s.started_at)


def overview(h: PatientHistory) -> Section:
    p = h.patient
    span = ""
    if h.since or h.until:
        span = f"Period: {h.since:%Y-%m-%d} " if h.since else "Period: start "
        span += f"to {h.until:%Y-%m-%d}" if h.until else "to now"
    lines = [f"Patient {p.id}: {p.age if p.age is not None else 'age not recorded'}"
             f"{' years' if p.age is not None else ''}, {p.sex or 'sex not recorded'}, "
             f"{p.condition or 'condition not recorded'}, affected side: {p.affected_side or 'not recorded'}",
             f"{len(h.sessions)} session(s)" + _tests_note(h) + ": " + ", ".join(
                 f"{n} {labels.status(st).lower()}" for st in ("complete", "stopped", "interrupted", "recording")
                 if (n := sum(1 for s in h.sessions if s.record.summary.status == st)))]
    excluded = [s for s in h.sessions if getattr(s.record.summary, "excluded", False)]
    if excluded:
        lines.append("Left out of trends and suggestions: " + "; ".join(
            f"session {s.record.summary.id} by {s.record.summary.excluded_by or '?'} "
            f"({s.record.summary.excluded_reason or 'no reason given'})" for s in excluded))
    if span:
        lines.insert(1, span)
    if p.notes:
        lines.append(f"Notes: {p.notes}")
    tables = [sessions_table(h)] if h.sessions else []
    if h.programme:
        tables.insert(0, programme_table(h))
    if h.suggestions:
        lines.append("Suggestions for the physio (not applied until accepted with "
                     "'coach programme accept'):")
        for s in h.suggestions:
            item = h.programme.exercise(s.exercise)
            lines.append(f"- {s.describe(item)}")
    return Section("Overview", tuple(lines), tuple(tables))


def programme_table(h: PatientHistory) -> Table:
    pr = h.programme
    rows = tuple((labels.exercise(e.exercise), str(e.sets),
                  f"{e.reps} x {e.hold_s:g} s" if e.hold_s else str(e.reps), labels.side(e.side),
                  e.effective_variant or "-", e.support or "-", e.tempo_text or "own pace", f"{e.rest_s:g} s",
                  "every day" if len(e.days) == 7 else " ".join(e.days),
                  ", ".join(filter(None, (e.routine, " ".join(e.effective_times)))) or "-",
                  ", ".join(f"{labels.metric(k)}: {v:g}" for k, v in {**e.targets, **e.thresholds}.items()) or "-")
                 for e in pr.exercises)
    return Table(f"Programme version {pr.version}" + (f" ({pr.created_at:%Y-%m-%d})" if pr.created_at else ""),
                 ("Exercise", "Sets", "Reps (holds: x time)", "Side", "Variant", "Support", "Tempo", "Rest", "Days",
                  "When", "Targets / thresholds"), rows, pr.note)


def sessions_table(h: PatientHistory) -> Table:
    rows = []
    for s in h.sessions:
        top = ", ".join(f"{fault_info(c).label.split(' (')[0]} x{n}" for c, n in s.faults.most_common(3))
        rom = ", ".join(f"{labels.metric(k)} {v:.0f}" for k, v in s.rom.items())
        sm = s.record.summary
        status = labels.status(sm.status) + (" (left out)" if getattr(sm, "excluded", False) else "")
        if _is_test(s):  # a validated test: its name and score, not an exercise with 0 reps
            rows.append((str(sm.id), _when(s), labels.session_what(sm.exercise, s.record.tests), status,
                         labels.session_result(s.reps, sm.exercise, s.record.tests), "-", "-", "-", "-"))
            continue
        rows.append((str(sm.id), _when(s), labels.exercise(sm.exercise), status,
                     str(s.reps), str(s.attempts), _rep_time(s), rom or "-", top or "-"))
    return Table("Sessions", ("Session", "Date", "Exercise or test", "Status", "Reps (tests: score)", "Not counted",
                              "Rep time (s)", "Range of motion", "Most frequent faults"), tuple(rows),
                 "Rep time is for counted repetitions; a balance hold's time is in the holds section, not here.")


def _tests_note(h: PatientHistory) -> str:
    n = sum(1 for s in h.sessions if _is_test(s))
    return f" ({n} of them validated tests)" if n else ""


def _is_test(s: SessionStats) -> bool:
    return labels.is_test_session(s.record.settings, s.record.tests) and bool(s.record.tests)


def _rep_time(s: SessionStats) -> str:
    """Mean rep time of a rep exercise; a balance hold's time is not a rep duration."""
    return "-" if is_timed_hold(s.record.summary.exercise) else (_f(s.mean_rep_s) or "-")


def session_section(s: SessionStats, added_events: tuple[tuple[float, str, str], ...] = ()) -> Section:
    """One session; ``added_events``: (seconds, kind, detail) added to it after recording."""
    rec = s.record
    sm = rec.summary
    done = f"{s.reps} holds" if is_timed_hold(sm.exercise) else \
        f"{s.reps} reps counted, {s.attempts} attempt(s) not counted"
    if _is_test(s):
        done = "score " + labels.session_result(s.reps, sm.exercise, rec.tests)
    lines = [f"{labels.session_what(sm.exercise, rec.tests if _is_test(s) else ())}, {_when(s)}, "
             f"{labels.status(sm.status).lower()}, {done}, "
             f"source {labels.source(sm.source)}",
             f"Recorded by coach {rec.app_version}, algorithm {rec.algorithm_version or '-'}, schema "
             f"{rec.schema_version}, programme version {rec.programme_version or '-'}"]
    if s.low_confidence:
        lines.append(f"{s.low_confidence} rep(s) were seen with low confidence (poor visibility).")
    if sm.status == "interrupted":
        lines.append("The session was cut off (tab closed, camera lost, crash or power loss); reps up to its last "
                     "save are shown.")
    metric_names = sorted({k for r in rec.reps for k in r.metrics})
    rep_rows = []
    for st in rec.sets:
        n = 0
        for r in st.reps:
            n += 1 if r.counted else 0
            rep_rows.append((str(st.set_no), str(n) if r.counted else "not counted",
                             f"{r.start_s:.1f}", f"{r.end_s - r.start_s:.1f}", labels.side(r.side),
                             *(_f(r.metrics.get(k)) or "-" for k in metric_names),
                             labels.confidence(r.confidence),
                             ", ".join(fault_info(c).label.split(" (")[0] for c in r.fault_codes) or "-"))
    tables = [Table("Reps", ("Set", "Rep", "Start (s)", "Duration (s)", "Side",
                             *(labels.metric(k) for k in metric_names), "Tracking", "Faults"), tuple(rep_rows))] \
        if rep_rows else []
    from coach.reports.per_side import physio_table

    sides = physio_table(sm.exercise, rec.reps, rec.settings)  # sided exercises (issue 22): each side
    if sides is not None:
        tables.insert(0, Table("Each side", sides.headers, sides.rows))  # the summary first, then each rep
        lines.extend(sides.lines)
    fault_rows = tuple((f"{f.time_s:.1f}", str(st.set_no), fault_info(f.code).label, f.detail)
                       for st in rec.sets for r in st.reps for f in r.faults)
    if fault_rows:
        tables.append(Table("Faults", ("At (s)", "Set", "Fault", "Detail"), fault_rows))
    rated = {kind: detail for _, kind, detail in added_events if kind in RATINGS}  # asked after the exercise
    if rated:
        lines.append("The patient's rating: " + ", ".join(f"{RATINGS[k]} {rated[k]}" for k in RATINGS if k in rated))
    from coach import caregiver

    cared = caregiver.physio_words(caregiver.from_events(rec.events, added_events))
    if cared:  # asked before and after an exercise that needs spotting
        lines.append(f"Caregiver: {cared}")
    events = sorted([(e.time_s, e.kind, e.detail) for e in rec.events]
                    + [e for e in added_events if e[1] not in RATINGS])
    if events:
        tables.append(Table("Events", ("At (s)", "Event", "Detail"),
                            tuple((f"{t:.1f}", kind.replace("_", " ").capitalize(), _event_detail(kind, detail) or "-")
                                  for t, kind, detail in events)))
    tables.extend(fatigue_table(t, f) for t, f in _fatigue_findings(rec.events))
    if rec.tests:
        tables.append(test_table(rec.tests))
    what = labels.exercise(sm.exercise)
    if rec.settings.get("mode") == "test" and rec.tests:  # a guided test: named by its test
        what = ", ".join(labels.test(t.test) for t in rec.tests)
    return Section(f"Session {sm.id}: {what}, {_when(s)}", tuple(lines), tuple(tables))


RATINGS = {"effort": "how hard", "pain": "pain"}  # coach.app.how_it_felt's event kinds


def _event_detail(kind: str, detail: str) -> str:
    """An event's detail in words: a fatigue event's evidence (JSON) has its own table."""
    return detail_words(detail) if kind == "fatigue" else detail


def _fatigue_findings(events) -> list:
    found = [(e.time_s, from_detail(e.detail)[1]) for e in events if e.kind == "fatigue"]
    return [(t, f) for t, f in found if f is not None]


def fatigue_table(t: float, finding) -> Table:
    """The reps behind a fatigue finding: each rep's time (or range) and the trend, which reps
    changed; the numbers (levels, variation, what was needed) in the note."""
    what = "Rep time (s)" if finding.reason == "slower" else "Range (deg)"
    rows = tuple((str(rep), _f(v, "{:.2f}") if v == v else "-", _f(tr, "{:.2f}"), part)
                 for rep, v, tr, part in finding.rows())
    return Table(f"Fatigue at {t:.1f} s: {finding.text}", ("Rep", what, "Trend", "Part"), rows, finding.summary)


def test_table(tests) -> Table:
    rows = tuple((labels.test(t.test), "not scored" if t.value is None else f"{t.value:g} {t.unit}",
                  _usual_range(t.norm_low, t.norm_high),
                  _trust(t), (getattr(t, "cannot_score", "") or t.interpretation) or "-", t.norm_source or "-")
                 for t in tests)
    return Table("Tests", ("Test", "Score", "Usual range", "Trust", "What it means", "Norm source"), rows)


def condition_norms_table(tests, condition: str | None) -> Table | None:
    """Published values for people with a neurological condition (``exercises.norms.CONDITION_NORMS``)
    for the tests done: the patient's condition's only when it is one the table knows, else all."""
    from exercises.norms import condition_norms
    from exercises.validated_tests import canonical_test_id

    done = list(dict.fromkeys(canonical_test_id(t.test) for t in tests))
    rows = tuple((labels.test(n.test), CONDITIONS.get(n.condition, n.condition), n.text, n.source)
                 for test_id in done for n in condition_norms(test_id, condition))
    if not rows:
        return None
    return Table("Published values in neurological conditions", ("Test", "Condition", "Value", "Source"), rows,
                 "The usual ranges above are for healthy older adults; these are from studies of people with the "
                 "condition. Where a test has no row, none was found in our reference.")


CONDITIONS = {"stroke": "Stroke", "parkinson": "Parkinson's disease", "ms": "Multiple sclerosis"}


def _usual_range(low, high) -> str:
    if low is not None and high is not None:
        return f"{low:g}-{high:g}"
    if high is not None:
        return f"up to {high:g}"
    return f"from {low:g}" if low is not None else "-"


def _trust(t) -> str:
    u = getattr(t, "timing_uncertainty_s", None)
    return labels.trust(getattr(t, "trust", "ok")) + (f", timing +/-{u:.1f} s" if u is not None else "")


# A year's report for a patient who trains daily holds ~300 sessions and ~6,000 reps: rep-by-rep tables
# for all of them made a 400-page PDF that took minutes (bench/caseload.py). The newest sessions are
# shown rep by rep; the rest are rows of the Sessions table and in the exports.
DETAILED_SESSIONS = 30


def build(h: PatientHistory, figures: list[tuple[str, bytes]], extra: list[Section] = ()) -> list[Section]:
    """Overview, trends, test scores, ``extra`` (holds, pacing, TUG, diary), then each session."""
    sections = [overview(h)]
    if figures:
        sections.append(Section("Trends", figures=tuple(figures)))
    all_tests = [t for _, t in h.tests]
    if all_tests:
        published = condition_norms_table(all_tests, h.patient.condition)
        sections.append(Section("Test scores", tables=(test_table(all_tests),) + ((published,) if published else ())))
    sections.extend(extra)
    detailed = list(reversed(h.sessions))[:DETAILED_SESSIONS]  # newest first
    if len(h.sessions) > len(detailed):
        sections.append(Section("Sessions in detail", (
            f"Rep by rep: the newest {len(detailed)} of the {len(h.sessions)} sessions; every session is in the "
            "Sessions table above, and every rep of every session in the CSV and JSON exports.",)))
    sections.extend(session_section(s, h.added_events.get(s.record.summary.id, ())) for s in detailed)
    return sections
