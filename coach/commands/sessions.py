"""``coach sessions [--patient P] [--json] [--exclude|--include|--discard ID]``: the recorded sessions.

Each handler returns an exit code: 0 ok, 1 a problem the user can fix (message on stderr), 2 bad arguments.
"""
from __future__ import annotations

import json

from coach.commands.common import add_db_option, with_store
from coach.store.store import Store


def register(subparsers) -> None:
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
