"""The report's sections for what is not a rep count: balance holds, paced movement (metronome),
the Timed Up and Go and the patient's diary. Each returns a ``Section`` or None when there is
nothing to show, so a report of rep exercises only looks as before.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, time

import numpy as np
from matplotlib.figure import Figure

from coach import labels
from coach.reports.data import PatientHistory, SessionStats
from coach.reports.plots import HEIGHT_IN, WIDTH_IN, date_axis, png_bytes
from coach.reports.tables import Section, Table
from coach.store.diary import weekly_counts
from exercises import is_timed_hold
from exercises.pacing import Tempo, amplitude_metric, pacing_metrics
from exercises.tug import PHASES

BALANCE_LOSS_WORDS = {"step": "sudden step", "drop": "fall-like drop"}
DIARY_NOTES_SHOWN = 12  # the newest notes; the rest stay in the app and the export


def _f(v, fmt: str = "{:.1f}") -> str:
    return "-" if v is None or (isinstance(v, float) and not np.isfinite(v)) else fmt.format(v)


def balance_losses(h: PatientHistory, s: SessionStats) -> list[tuple[float, str]]:
    """(seconds into the session, words) of every loss of balance: the recorder's own events and
    those added to the session afterwards."""
    sid = s.record.summary.id
    found = [(e.time_s, e.detail) for e in s.record.events if e.kind == "balance_loss"]
    found += [(t, detail) for t, kind, detail in h.added_events.get(sid, ()) if kind == "balance_loss"]
    out, seen = [], set()
    for t, detail in sorted(found):
        key = (round(t, 1), detail)
        if key not in seen:  # the same loss recorded both ways counts once
            seen.add(key)
            out.append((t, next((w for k, w in BALANCE_LOSS_WORDS.items() if detail.startswith(k)), detail or "loss")))
    return out


# --- balance holds --------------------------------------------------------------------------

def holds_section(h: PatientHistory) -> Section | None:
    sessions = [s for s in h.sessions if is_timed_hold(s.record.summary.exercise)]
    if not sessions:
        return None
    rows, lines = [], []
    for s in sessions:
        holds = [r for r in s.record.reps if r.counted]
        times = [r.metrics.get("hold_s", 0.0) for r in holds]
        speeds = [r.metrics["sway_speed_cm_s"] for r in holds if "sway_speed_cm_s" in r.metrics]
        legs = Counter(r.side for r in holds if r.side)
        losses = balance_losses(h, s)
        target = s.record.settings.get("hold_s")
        rows.append((str(s.record.summary.id), labels.when(s.started_at), labels.exercise(s.record.summary.exercise),
                     str(len(holds)), _f(max(times, default=None)), _f(sum(times) if times else None),
                     _f(target, "{:g}"), _f(float(np.mean(speeds)) if speeds else None),
                     ", ".join(f"{k} {v}" for k, v in sorted(legs.items())) or "-", str(len(losses))))
        lines += [f"Session {s.record.summary.id} ({labels.when(s.started_at)}): {words} at {t:.1f} s; the set was "
                  "stopped" for t, words in losses]
    if not lines:
        lines.append("No loss of balance (sudden step or fall-like drop) was seen.")
    table = Table("Holds per session", ("Session", "Date", "Exercise", "Holds", "Best (s)", "Total (s)", "Target (s)",
                                        "Sway speed (cm/s)", "Standing leg", "Balance losses"), tuple(rows),
                  "A hold is timed only while the position is right (foot still up, feet still, trunk within "
                  "limits). Sway: hip path in the picture's plane, cm from the patient's shank length.")
    png = _best_hold_plot(sessions)
    return Section("Balance holds", tuple(lines), (table,), (("Best hold per session", png),) if png else ())


def _best_hold_plot(sessions: list[SessionStats]) -> bytes | None:
    by_exercise = defaultdict(list)
    for s in sessions:
        times = [r.metrics.get("hold_s", 0.0) for r in s.record.reps if r.counted]
        if times:
            by_exercise[s.record.summary.exercise].append((s.started_at, max(times), s.record.settings.get("hold_s")))
    if not by_exercise:
        return None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    ax = fig.subplots()
    when = []
    for exercise, pts in sorted(by_exercise.items()):
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=5, label=labels.exercise(exercise))
        targets = [p[2] for p in pts if p[2]]
        if targets:
            ax.axhline(targets[-1], ls="--", lw=1, color="#888888")
        when += [p[0] for p in pts]
    ax.set_ylabel("best hold (s)")
    top = max([p[1] for pts in by_exercise.values() for p in pts] + [p[2] or 0 for pts in by_exercise.values() for p in pts])
    ax.set_ylim(0, top * 1.15 + 1)
    ax.legend(fontsize=7, loc="best")
    ax.set_title("Best hold per session (dashed: the programme's target)", fontsize=10)
    date_axis(ax, when)
    return png_bytes(fig)


# --- paced movement -------------------------------------------------------------------------

def pacing_section(h: PatientHistory) -> Section | None:
    rows = []
    for s in h.sessions:
        per_min = s.record.settings.get("tempo_per_min")
        if not per_min:
            continue
        exercise = s.record.summary.exercise
        for st in s.record.sets:
            counted = [r for r in st.reps if r.counted]
            if not counted:
                continue
            errors = [abs(r.metrics["timing_error_s"]) for r in counted if "timing_error_s" in r.metrics]
            # Amplitude against the set's own best, and its decrement over the set (a Parkinson's sign).
            key = amplitude_metric(exercise)
            paced = pacing_metrics(counted, Tempo.per_minute(per_min), key)
            shares = [p.amplitude_share for p in paced.reps if p.amplitude_share is not None]
            if key is None:
                decrement = "not measured"
            elif paced.decrement:
                decrement = "yes, " + _f(100 * paced.decrement_share, "{:.0f}%")
            else:
                decrement = "no" if paced.decrement_share is not None else "too few reps"
            rows.append((str(s.record.summary.id), labels.when(s.started_at), labels.exercise(exercise),
                         str(st.set_no), f"{per_min:g}", str(len(counted)),
                         _f(float(np.mean(errors)) if errors else None, "{:.2f}"),
                         _f(100 * min(shares) if shares else None, "{:.0f}%"), decrement))
    if not rows:
        return None
    table = Table("Paced sets", ("Session", "Date", "Exercise", "Set", "Tempo (/min)", "Reps", "Off the beat (s)",
                                 "Smallest rep (of best)", "Amplitude decrement"), tuple(rows),
                  "Off the beat: mean time between each rep's start and its beat. Amplitude decrement: the set's "
                  "last third at least 20% smaller than its first third and falling (screening default; "
                  "CLINICAL.md gives no cut-off).")
    flagged = sum(1 for r in rows if r[-1].startswith("yes"))
    lines = (f"{len(rows)} paced set(s); movements shrank over {flagged} of them." if flagged
             else f"{len(rows)} paced set(s); no amplitude decrement over a set.",)
    return Section("Paced movement (metronome)", lines, (table,))


# --- Timed Up and Go ------------------------------------------------------------------------

def tug_section(h: PatientHistory) -> Section | None:
    tests = [(when, t) for when, t in h.tests if t.test == "timed-up-and-go"]
    if not tests:
        return None
    rows = []
    shown = [p for p in PHASES if p in labels.TUG_PHASES_SHOWN]  # only phases checked against the truth
    for when, t in tests:
        phases = t.details.get("phases") or {}
        rows.append((labels.when(when), "not scored" if t.value is None else f"{t.value:.1f}",
                     *(_f(phases.get(p)) if phases.get(p) is not None else "not seen" for p in shown),
                     t.details.get("walking_aid") or "none", (t.cannot_score or t.interpretation) or "-"))
    table = Table("Timed Up and Go", ("Date", "Time (s)", *(p.replace("_", " ").capitalize() + " (s)" for p in shown),
                                      "Walking aid", "What it means"), tuple(rows),
                  "Time from the start of the rise to sitting back (buttocks on the seat). "
                  + (labels.TUG_PHASES_WHY if len(shown) < len(PHASES) else ""))
    return Section("Timed Up and Go", (), (table,))


# --- the diary ------------------------------------------------------------------------------

def diary_section(h: PatientHistory) -> Section | None:
    if not h.diary:
        return None
    start = h.since.date() if h.since else None
    end = h.until.date() if h.until else None
    weeks = weekly_counts(h.diary, start, end)
    rows = tuple((f"{w.week_start:%d %b} - {w.week_end:%d %b %Y}", f"{w.days_with_entries}/7",
                  _f(w.mean_fatigue), _f(w.mean_pain), str(w.falls), str(w.near_falls), str(w.freezing))
                 for w in weeks)
    table = Table("Diary by week", ("Week", "Days filled in", "Tiredness (0-10)", "Pain (0-10)", "Falls",
                                    "Near-falls", "Freezing episodes"), rows,
                  "Tiredness and pain: means over the days the patient answered.")
    falls = [e for e in h.diary if e.falls or e.near_falls]
    lines = [f"Falls: {sum(e.falls for e in h.diary)}, near-falls: {sum(e.near_falls for e in h.diary)}, freezing "
             f"episodes: {sum(e.freezing for e in h.diary)} over {len(h.diary)} day(s) with an entry."]
    lines += [f"{e.day:%a %d %b}: {e.falls} fall(s), {e.near_falls} near-fall(s)" + (f" - \"{e.note}\"" if e.note else "")
              for e in falls]
    notes = [e for e in sorted(h.diary, key=lambda e: e.day, reverse=True) if e.note and e not in falls]
    if notes:
        lines.append("Notes (newest first):")
        lines += [f"{e.day:%a %d %b}: \"{e.note}\"" for e in notes[:DIARY_NOTES_SHOWN]]
    png = _diary_plot(h)
    return Section("Diary", tuple(lines), (table,), (("Tiredness and pain by day", png),) if png else ())


def _diary_plot(h: PatientHistory) -> bytes | None:
    days = sorted(h.diary, key=lambda e: e.day)
    if not days:
        return None
    when = [datetime.combine(e.day, time(12)) for e in days]
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    ax = fig.subplots()
    for key, colour, marker in (("fatigue", "#E69F00", "o"), ("pain", "#D55E00", "s")):
        pts = [(w, getattr(e, key)) for w, e in zip(when, days) if getattr(e, key) is not None]
        if pts:
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker=marker, ms=4, color=colour,
                    label="tiredness" if key == "fatigue" else key)
    for w, e in zip(when, days):
        if e.falls or e.near_falls:
            ax.axvline(w, color="#c0392b" if e.falls else "#e0a030", lw=1.5, alpha=0.7)
    ax.set_ylim(-0.5, 10.5)
    ax.set_ylabel("0-10")
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title("Tiredness and pain (red line: a fall, orange: a near-fall)", fontsize=10)
    date_axis(ax, when)
    return png_bytes(fig)


def sections(h: PatientHistory) -> list[Section]:
    """The sections that have something to show, in the report's order."""
    return [s for s in (tug_section(h), holds_section(h), pacing_section(h), diary_section(h)) if s is not None]
