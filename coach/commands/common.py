"""What the record's sub-commands share: the --db option, opening the store for a handler (store
and file errors become one line and exit code 1), and the report period's dates."""
from __future__ import annotations

import argparse
import functools
import sys
from datetime import datetime, timedelta

from coach.store.errors import StoreError
from coach.store.store import Store


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
            print(f"coach: error: {e}", file=sys.stderr)  # the words coach.cli.main gives every error
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
