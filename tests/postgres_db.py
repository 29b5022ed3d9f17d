"""A database of a test's own on the test PostgreSQL server (``COACH_TEST_POSTGRES_URL``, set by
``eval "$(scripts/start_test_postgres.sh)"``): created empty, dropped afterwards, so a test never
meets another test's tables (the store tests empty the shared test database whenever they like)."""
from __future__ import annotations

import os
import secrets
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("COACH_TEST_POSTGRES_URL")


@contextmanager
def own_database(prefix: str) -> Iterator[str]:
    """The URL of a new database named ``prefix`` + a random suffix; dropped on leaving."""
    assert POSTGRES_URL, "no test PostgreSQL server (COACH_TEST_POSTGRES_URL)"
    name = f"{prefix}_{secrets.token_hex(6)}"
    admin = create_engine(make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
