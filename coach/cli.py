"""The ``coach`` command line. Each sub-command lives in ``coach.commands``; this module only
builds the parser and turns expected failures into one-line messages (no tracebacks)."""
from __future__ import annotations

import argparse
import os
import sys

from coach.quiet import native_stderr_silenced
from coach.sources import SourceError

EXPECTED_ERRORS = (SourceError, ValueError, OSError)  # OSError covers missing files and permissions


# Which module adds each sub-command (tests/test_cli_bad_input.py checks it against the parsers the
# modules add). A run names one command, so only its module is imported: `coach report` does not
# load the pose model, nor `coach analyze` the PDF and plotting libraries (about a second each).
COMMAND_MODULES = {"analyze": "analyze", "demo": "analyze", "live": "live", "test": "validated", "eval": "evaluate",
                   "synth": "synth", "programme": "programme", "today": "programme", "report": "report",
                   "sessions": "sessions", "diary": "diary", "consent": "consent", "share": "share", "db": "db",
                   "app": "app", "worker": "worker", "pair": "pair", "sync": "sync", "clinic": "clinic"}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with every sub-command, or with only ``command``'s module when it is a known one."""
    import importlib

    parser = argparse.ArgumentParser(prog="coach", description="Home exercise coach for neurological rehabilitation.")
    parser.add_argument("--verbose", action="store_true", help="show native library logs and full tracebacks")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    names = [COMMAND_MODULES[command]] if command in COMMAND_MODULES else dict.fromkeys(COMMAND_MODULES.values())
    for name in names:
        importlib.import_module(f"coach.commands.{name}").register(sub)
    return parser


def _command_named(argv: list[str]) -> str | None:
    """The sub-command's name: the first word that is not an option (``coach --verbose analyze ...``)."""
    return next((a for a in argv if not a.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    # Health data: every folder and file the coach (and the app it starts) creates is the user's
    # alone (0700 / 0600), whatever the login's umask.
    os.umask(os.umask(0o077) | 0o077)
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser(_command_named(argv))
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
