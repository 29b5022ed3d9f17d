"""The queue tests need a PostgreSQL server (``eval "$(scripts/start_test_postgres.sh)"`` sets
``COACH_TEST_POSTGRES_URL``); each test gets a database of its own on it, dropped afterwards (the
store tests empty the shared test database whenever they like)."""
from __future__ import annotations

import os
import secrets

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get("COACH_TEST_POSTGRES_URL")


@pytest.fixture
def queue_db_url(tmp_path, monkeypatch):
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: eval \"$(scripts/start_test_postgres.sh)\" sets COACH_TEST_POSTGRES_URL")
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    name = f"coach_queue_{secrets.token_hex(4)}"
    admin = create_engine(make_url(POSTGRES_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
