"""Report figures as PNG bytes. Uses matplotlib's object API with the Agg canvas: no pyplot, no
global backend switch, safe in any thread."""
from __future__ import annotations

import io
from collections import defaultdict
from datetime import timedelta

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from coach import labels
from coach.reports.data import PatientHistory
from exercises import is_timed_hold

STATUS_COLOURS = {"complete": "#2a7ab0", "stopped": "#e0a030", "interrupted": "#c0392b", "recording": "#999999"}
WIDTH_IN, HEIGHT_IN, DPI = 7.5, 3.0, 150


def png_bytes(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    return buf.getvalue()


def date_axis(ax, times) -> None:
    # A day either side: one session, or sessions hours apart, still get a readable date axis.
    ax.set_xlim(min(times) - timedelta(days=1), max(times) + timedelta(days=1))
    locator = AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    ax.grid(alpha=0.3)


def reps_and_duration(history: PatientHistory) -> bytes | None:
    """Rep exercises only: a balance hold's time is not a rep duration (holds have their own plot), and
    a validated test is not a training session with 0 reps (tests have their own table and chart)."""
    sessions = [s for s in history.sessions if not is_timed_hold(s.record.summary.exercise)
                and not labels.is_test_session(s.record.settings, s.record.tests)]
    if not sessions:
        return None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN * 1.5))
    ax_reps, ax_dur = fig.subplots(2, 1, sharex=True)
    for status, colour in STATUS_COLOURS.items():
        pts = [(s.started_at, s.reps) for s in sessions if s.record.summary.status == status]
        if pts:
            ax_reps.scatter(*zip(*pts), color=colour, label=labels.status(status), s=30, zorder=3)
    by_ex = defaultdict(list)
    for s in sessions:
        by_ex[s.record.summary.exercise].append(s)
    for ex, items in by_ex.items():
        ax_reps.plot([s.started_at for s in items], [s.reps for s in items], lw=1, alpha=0.6)
        dur = [(s.started_at, s.mean_rep_s) for s in items if s.mean_rep_s]
        if dur:
            ax_dur.plot(*zip(*dur), marker="o", ms=4, label=labels.exercise(ex))
    ax_reps.set_ylabel("counted reps")
    ax_reps.set_ylim(0, max(s.reps for s in sessions) * 1.15 + 1)
    ax_reps.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax_reps.set_title("Reps per session (colour: status)", fontsize=10)
    ax_reps.legend(fontsize=7, loc="best")
    ax_dur.set_ylabel("mean rep time (s)")
    ax_dur.set_title("Rep duration", fontsize=10)
    if by_ex:
        ax_dur.legend(fontsize=7, loc="best")
    times = [s.started_at for s in sessions]
    date_axis(ax_reps, times)
    date_axis(ax_dur, times)
    return png_bytes(fig)


def rom_trend(history: PatientHistory) -> bytes | None:
    series = defaultdict(list)
    for s in history.sessions:
        for metric, v in s.rom.items():
            series[(s.record.summary.exercise, metric)].append((s.started_at, v))
    if not series:
        return None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    ax = fig.subplots()
    for (ex, metric), pts in sorted(series.items()):
        ax.plot(*zip(*pts), marker="o", ms=4, label=f"{labels.exercise(ex)}: {labels.metric(metric)}")
    ax.set_title("Range of motion (mean of counted reps)", fontsize=10)
    ax.legend(fontsize=7, loc="best")
    date_axis(ax, [t for pts in series.values() for t, _ in pts])
    return png_bytes(fig)


def test_trend(history: PatientHistory) -> bytes | None:
    by_test = defaultdict(list)
    for when, t in history.tests:
        if t.value is not None:
            by_test[t.test].append((when, t))
    if not by_test:
        return None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN * len(by_test) * 0.8 + 0.4))
    axes = fig.subplots(len(by_test), 1, squeeze=False)[:, 0]
    for ax, (test, pts) in zip(axes, sorted(by_test.items())):
        times = [w for w, _ in pts]
        values = [t.value for _, t in pts]
        ax.plot(times, values, marker="o", ms=5, color="#2a7ab0", zorder=3, label="score")
        latest = pts[-1][1]
        ymin, ymax = min(values + [v for v in (latest.norm_low, latest.norm_high) if v is not None]), \
            max(values + [v for v in (latest.norm_low, latest.norm_high) if v is not None])
        pad = (ymax - ymin) * 0.3 + 1
        lo = latest.norm_low if latest.norm_low is not None else ymin - pad
        hi = latest.norm_high if latest.norm_high is not None else ymax + pad
        if latest.norm_low is not None or latest.norm_high is not None:
            source = latest.norm_source.split(";")[0]  # the first source; the table lists them all
            ax.axhspan(lo, hi, color="#2ecc71", alpha=0.15, label=f"norm ({source})")
        ax.set_ylim(ymin - pad, ymax + pad)
        ax.set_ylabel(latest.unit)
        ax.set_title(labels.test(test), fontsize=10)
        ax.legend(fontsize=7, loc="best")
        date_axis(ax, times)
    return png_bytes(fig)


def symmetry(history: PatientHistory) -> bytes | None:
    pts = [(s.started_at, s.rom_by_side) for s in history.sessions
           if "left" in s.rom_by_side and "right" in s.rom_by_side]
    if not pts:
        return None
    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN))
    ax = fig.subplots()
    ax.plot([t for t, _ in pts], [d["left"] for _, d in pts], marker="o", ms=4, label="left")
    ax.plot([t for t, _ in pts], [d["right"] for _, d in pts], marker="s", ms=4, label="right")
    affected = history.patient.affected_side
    ax.set_title("Left / right range of motion" + (f" (affected side: {affected})" if affected else ""),
                 fontsize=10)
    ax.legend(fontsize=7, loc="best")
    date_axis(ax, [t for t, _ in pts])
    return png_bytes(fig)


FIGURES = (("Reps and rep duration", reps_and_duration), ("Range of motion", rom_trend),
           ("Test scores against norms", test_trend), ("Left / right symmetry", symmetry))


def all_figures(history: PatientHistory) -> list[tuple[str, bytes]]:
    out = []
    for title, make in FIGURES:
        png = make(history)
        if png:
            out.append((title, png))
    return out
