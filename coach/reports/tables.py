"""The report's content as plain tables, shared by the HTML and PDF renderers."""
from __future__ import annotations

from dataclasses import dataclass, field

from coach.reports.data import PatientHistory, SessionStats
from coach.reports.norms import TESTS
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
    return s.started_at.astimezone().strftime("%Y-%m-%d %H:%M")


def overview(h: PatientHistory) -> Section:
    p = h.patient
    span = ""
    if h.since or h.until:
        span = f"Period: {h.since:%Y-%m-%d} " if h.since else "Period: start "
        span += f"to {h.until:%Y-%m-%d}" if h.until else "to now"
    lines = [f"Patient {p.id}: {p.age or '?'} y, {p.sex or 'sex not recorded'}, "
             f"{p.condition or 'condition not recorded'}, affected side: {p.affected_side or 'not recorded'}",
             f"{len(h.sessions)} session(s): " + ", ".join(
                 f"{n} {st}" for st in ("complete", "stopped", "interrupted", "recording")
                 if (n := sum(1 for s in h.sessions if s.record.summary.status == st)))]
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
    rows = tuple((e.exercise, str(e.sets), str(e.reps), e.side, e.effective_variant, e.support,
                  _f(e.tempo_s, "{:g} s"), f"{e.rest_s:g} s", "every day" if len(e.days) == 7 else " ".join(e.days),
                  ", ".join(f"{k}={v:g}" for k, v in {**e.targets, **e.thresholds}.items()))
                 for e in pr.exercises)
    return Table(f"Programme version {pr.version}" + (f" ({pr.created_at:%Y-%m-%d})" if pr.created_at else ""),
                 ("exercise", "sets", "reps", "side", "variant", "support", "tempo", "rest", "days",
                  "targets / thresholds"), rows, pr.note)


def sessions_table(h: PatientHistory) -> Table:
    rows = []
    for s in h.sessions:
        top = ", ".join(f"{fault_info(c).label.split(' (')[0]} x{n}" for c, n in s.faults.most_common(3))
        rom = ", ".join(f"{k} {v:.0f}" for k, v in s.rom.items())
        rows.append((str(s.record.summary.id), _when(s), s.record.summary.exercise, s.record.summary.status,
                     str(s.reps), str(s.attempts), _f(s.mean_rep_s), rom, top))
    return Table("Sessions", ("id", "date", "exercise", "status", "reps", "attempts", "rep time s", "range of motion",
                              "most frequent faults"), tuple(rows))


def session_section(s: SessionStats) -> Section:
    rec = s.record
    sm = rec.summary
    lines = [f"{sm.exercise}, {_when(s)}, status {sm.status}, {s.reps} reps counted, {s.attempts} attempt(s) "
             f"not counted, source {sm.source or '-'}",
             f"Recorded by coach {rec.app_version}, algorithm {rec.algorithm_version or '-'}, schema "
             f"{rec.schema_version}, programme version {rec.programme_version or '-'}"]
    if s.low_confidence:
        lines.append(f"{s.low_confidence} rep(s) were seen with low confidence (poor visibility).")
    if sm.status == "interrupted":
        lines.append("The session was cut off (crash or power loss); reps up to its last save are shown.")
    metric_names = sorted({k for r in rec.reps for k in r.metrics})
    rep_rows = []
    for st in rec.sets:
        for r in st.reps:
            rep_rows.append((str(st.set_no), str(r.index) if r.counted else "-", "yes" if r.counted else "no",
                             f"{r.start_s:.1f}", f"{r.end_s - r.start_s:.1f}", r.side or "",
                             *(_f(r.metrics.get(k)) for k in metric_names),
                             r.confidence, ", ".join(r.fault_codes)))
    tables = [Table("Reps", ("set", "rep", "counted", "start s", "dur s", "side", *metric_names, "conf.",
                             "faults"), tuple(rep_rows))]
    fault_rows = tuple((f"{f.time_s:.1f}", str(st.set_no), fault_info(f.code).label, f.detail)
                       for st in rec.sets for r in st.reps for f in r.faults)
    if fault_rows:
        tables.append(Table("Faults", ("time s", "set", "fault", "detail"), fault_rows))
    if rec.events:
        tables.append(Table("Events", ("time s", "event", "detail"),
                            tuple((f"{e.time_s:.1f}", e.kind.replace("_", " "), e.detail) for e in rec.events)))
    if rec.tests:
        tables.append(test_table(rec.tests))
    return Section(f"Session {sm.id}: {sm.exercise}, {_when(s)}", tuple(lines), tuple(tables))


def test_table(tests) -> Table:
    rows = tuple((TESTS.get(t.test, t.test), "not scored" if t.value is None else f"{t.value:g} {t.unit}",
                  "-".join(_f(v, "{:g}") for v in (t.norm_low, t.norm_high) if v is not None) or "-",
                  t.interpretation, t.norm_source) for t in tests)
    return Table("Tests", ("test", "score", "norm", "interpretation", "source"), rows)


def build(h: PatientHistory, figures: list[tuple[str, bytes]]) -> list[Section]:
    sections = [overview(h)]
    if figures:
        sections.append(Section("Trends", figures=tuple(figures)))
    all_tests = [t for _, t in h.tests]
    if all_tests:
        sections.append(Section("Test scores", tables=(test_table(all_tests),)))
    sections.extend(session_section(s) for s in reversed(h.sessions))  # newest first
    return sections
