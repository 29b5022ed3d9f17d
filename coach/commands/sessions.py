"""CLI subcommands over the store: ``programme``, ``today``, ``report``, ``sessions``.

``register(subparsers)`` adds them to the main parser; each handler returns an exit code:
0 ok, 1 a problem the user can fix (message on stderr), 2 bad arguments.
"""
from __future__ import annotations

import argparse
import functools
import json
import sys
from datetime import datetime, timedelta

from coach.store.errors import StoreError
from coach.store.store import Store


def register(subparsers) -> None:
    from coach.programme.commands import register_programme, register_today
    from coach.reports.commands import register_report

    register_programme(subparsers)
    register_today(subparsers)
    register_report(subparsers)
    p = subparsers.add_parser("sessions", help="list recorded sessions; exclude, include or discard one")
    add_db_option(p)
    p.add_argument("--patient", help="only this patient's sessions")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--exclude", type=int, metavar="ID", help="leave session ID out of trends and suggestions (kept)")
    p.add_argument("--include", type=int, metavar="ID", help="count session ID again")
    p.add_argument("--discard", type=int, metavar="ID", help="delete session ID (made by mistake)")
    p.add_argument("--by", default="", help="who excludes (with --exclude)")
    p.add_argument("--reason", default="", help="why (with --exclude)")
    p.set_defaults(func=sessions_command)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=None,
                        help="database URL (default: $COACH_DATABASE_URL or the SQLite file in the user data dir)")


def with_store(handler):
    """Open the store for a handler and turn store and file errors into a message and exit code 1."""
    @functools.wraps(handler)
    def run(args) -> int:
        try:
            with Store.open(args.db) as store:
                return handler(args, store)
        except (StoreError, ValueError, OSError) as e:
            print(f"error: {e}", file=sys.stderr)
            return 1
    return run


def parse_date(text: str) -> datetime:
    """YYYY-MM-DD (local midnight) or a full ISO time, as an aware datetime."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
    return value if value.tzinfo else value.astimezone()


def parse_end_date(text: str) -> datetime:
    """Like ``parse_date``, but a bare date means the end of that day (so the day is included)."""
    value = parse_date(text)
    return value + timedelta(days=1) if len(text.strip()) == 10 else value


@with_store
def sessions_command(args, store: Store) -> int:
    if args.exclude is not None:
        store.exclude_session(args.exclude, by=args.by, reason=args.reason)
        print(f"Session {args.exclude} is left out of trends and suggestions ({args.by}: {args.reason}).")
        return 0
    if args.include is not None:
        store.include_session(args.include)
        print(f"Session {args.include} counts again.")
        return 0
    if args.discard is not None:
        store.discard_session(args.discard)
        print(f"Session {args.discard} was deleted.")
        return 0
    found = store.sessions(args.patient)
    if args.json:
        print(json.dumps([s.to_dict() for s in found], indent=1))
        return 0
    if not found:
        print("No sessions recorded" + (f" for patient {args.patient}." if args.patient else "."))
        return 0
    print(f"{'id':>4}  {'patient':<10} {'started':<16}  {'exercise':<13} {'status':<11} {'reps':>4} {'attempts':>8}")
    for s in found:
        started = s.started_at.astimezone().strftime("%Y-%m-%d %H:%M")
        note = f"  excluded by {s.excluded_by}: {s.excluded_reason}" if s.excluded else ""
        print(f"{s.id:>4}  {s.patient_id:<10} {started:<16}  {s.exercise:<13} {s.status:<11} {s.reps:>4} "
              f"{s.attempts:>8}{note}")
    return 0
