"""``coach diary add P001 --fatigue 4 --pain 2 ...`` / ``coach diary show P001 [--json]``: the
patient's daily diary (see ``coach.store.diary``). One entry per day: adding the day again replaces it."""
from __future__ import annotations

import argparse
import json
from datetime import date

from coach.store.diary import COUNT_MAX, SCALE_MAX, DiaryEntry, plausible, weekly_counts
from coach.store.text import clean


def register(subparsers) -> None:
    p = subparsers.add_parser("diary", help="the patient's daily diary: fatigue, pain, falls, freezing, a note",
                              description="One entry per patient and day; adding the same day again replaces it.")
    sub = p.add_subparsers(dest="diary_command", metavar="add|show", required=True)
    a = sub.add_parser("add", help="write (or replace) the day's entry")
    a.add_argument("patient")
    a.add_argument("--day", type=_day, default=None, help="YYYY-MM-DD (default: today)")
    a.add_argument("--fatigue", type=_scale, default=None, help=f"0 (none) to {SCALE_MAX} (worst)")
    a.add_argument("--pain", type=_scale, default=None, help=f"0 (none) to {SCALE_MAX} (worst)")
    a.add_argument("--falls", type=_count, default=0)
    a.add_argument("--near-falls", type=_count, default=0)
    a.add_argument("--freezing", type=_count, default=0, help="freezing episodes")
    a.add_argument("--note", default="")
    a.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")
    a.set_defaults(func=run_add)
    s = sub.add_parser("show", help="the entries and weekly counts")
    s.add_argument("patient")
    s.add_argument("--from", dest="since", type=_day, default=None, help="YYYY-MM-DD")
    s.add_argument("--to", dest="until", type=_day, default=None, help="YYYY-MM-DD")
    s.add_argument("--json", action="store_true", help="print JSON (entries and weeks)")
    s.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")
    s.set_defaults(func=run_show)


def run_add(args) -> int:
    from coach.store import Store

    entry = DiaryEntry(args.patient, args.day or date.today(), args.fatigue, args.pain, args.falls,
                       args.near_falls, args.freezing, args.note)
    with Store.open(args.db) as store:
        replaced = store.diary_entry(args.patient, entry.day) is not None
        store.save_diary_entry(entry)
    print(f"{'replaced' if replaced else 'saved'} the diary of {args.patient} for {entry.day:%a %d %b %Y}: "
          f"{_line(entry)}")
    return 0


def run_show(args) -> int:
    from coach.store import Store

    with Store.open(args.db) as store:
        store.patient(args.patient)
        entries = store.diary_entries(args.patient, args.since, args.until)
    kept = plausible(entries)  # a day before 2000 or after tomorrow (an older record's slip) is listed, not summed
    weeks = weekly_counts(kept, args.since, args.until) if kept or (args.since and args.until) else []
    if args.json:
        print(json.dumps({"patient": args.patient, "entries": [e.to_dict() for e in entries],
                          "weeks": [w.to_dict() for w in weeks]}, indent=1))
        return 0
    if not entries:
        print(f"No diary entries for {args.patient}.")
        return 0
    for e in entries:
        print(f"{e.day:%a %d %b %Y}  {_line(e)}")
    print()
    print(f"{'week of':<12} {'days':>4} {'fatigue':>7} {'pain':>5} {'falls':>5} {'near-falls':>10} {'freezing':>8}")
    for w in weeks:
        print(f"{w.week_start:%d %b %Y}  {w.days_with_entries:>4} {_mean(w.mean_fatigue):>7} {_mean(w.mean_pain):>5} "
              f"{w.falls:>5} {w.near_falls:>10} {w.freezing:>8}")
    return 0


def _line(e: DiaryEntry) -> str:
    scale = lambda v: "-" if v is None else f"{v}/10"  # noqa: E731
    text = (f"fatigue {scale(e.fatigue)}, pain {scale(e.pain)}, falls {e.falls}, near-falls {e.near_falls}, "
            f"freezing {e.freezing}")
    return text + (f"; {clean(e.note)}" if e.note else "")  # never a terminal escape code on screen


def _mean(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _int_in(text: str, top: int, wanted: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = -1
    if not 0 <= v <= top:
        raise argparse.ArgumentTypeError(f"use {wanted}, not {text!r}")
    return v


def _scale(text: str) -> int:
    return _int_in(text, SCALE_MAX, f"a whole number from 0 (none) to {SCALE_MAX} (worst)")


def _count(text: str) -> int:
    return _int_in(text, COUNT_MAX, f"a count from 0 to {COUNT_MAX}")
