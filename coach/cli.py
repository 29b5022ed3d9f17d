"""The ``coach`` command line. Each sub-command lives in ``coach.commands``; this module only
builds the parser and turns expected failures into one-line messages (no tracebacks)."""
from __future__ import annotations

import argparse
import os
import sys

from coach.quiet import native_stderr_silenced
from coach.sources import SourceError

EXPECTED_ERRORS = (SourceError, ValueError, OSError)  # OSError covers missing files and permissions


def build_parser() -> argparse.ArgumentParser:
    from coach.commands import (analyze, app, clinic, consent, db, diary, evaluate, live, pair, programme, report,
                                sessions, share, synth, sync, validated, worker)

    parser = argparse.ArgumentParser(prog="coach", description="Home exercise coach for neurological rehabilitation.")
    parser.add_argument("--verbose", action="store_true", help="show native library logs and full tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (analyze, live, validated, evaluate, synth, programme, report, sessions, diary, consent, share, db,
                   app, worker, pair, sync, clinic):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # Health data: every folder and file the coach (and the app it starts) creates is the user's
    # alone (0700 / 0600), whatever the login's umask.
    os.umask(os.umask(0o077) | 0o077)
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown and not getattr(args, "passes_unknown_args", False):
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    args.unknown_args = unknown
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from coach.pose.model_files import ModelError
    from coach.store import StoreError

    try:
        with native_stderr_silenced(enabled=not args.verbose):
            return int(args.func(args) or 0)
    except (ModelError, StoreError, *EXPECTED_ERRORS) as exc:
        if args.verbose:
            raise
        print(f"coach: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coach: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
