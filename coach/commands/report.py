"""``coach report PATIENT [--from --to] [--pdf FILE] [--html FILE] [--csv DIR] [--json FILE]``."""
from __future__ import annotations

from coach.reports import collect, write_report
from coach.commands.common import add_db_option, parse_date, parse_end_date, with_store


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help="report for the physio: HTML, PDF, CSV, JSON")
    add_db_option(p)
    p.add_argument("patient")
    p.add_argument("--from", dest="since", type=parse_date, help="first day (YYYY-MM-DD)")
    p.add_argument("--to", dest="until", type=parse_end_date, help="last day, included (YYYY-MM-DD)")
    p.add_argument("--html", metavar="FILE")
    p.add_argument("--pdf", metavar="FILE")
    p.add_argument("--csv", metavar="DIR", help="write sessions/reps/faults/events/tests CSV files here")
    p.add_argument("--json", metavar="FILE", help="everything as one JSON document")
    p.set_defaults(func=report_command)


@with_store
def report_command(args, store) -> int:
    history = collect(store, args.patient, args.since, args.until)
    written = write_report(history, html_path=args.html, pdf_path=args.pdf, csv_dir=args.csv, json_path=args.json)
    for path in written:
        print(f"wrote {path}")
    if not written:
        print(f"Patient {args.patient}: {len(history.sessions)} session(s) in the period.")
        for s in history.sessions:
            sm = s.record.summary
            print(f"  {sm.started_at.astimezone():%Y-%m-%d %H:%M}  {sm.exercise:<13} {sm.status:<11} "
                  f"{s.reps} reps, {sum(s.faults.values())} faults")
        for sug in history.suggestions:
            print(f"  suggestion: {sug.describe(history.programme.exercise(sug.exercise))}")
        print("Use --html, --pdf, --csv or --json to write the full report.")
    return 0
