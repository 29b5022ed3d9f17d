"""The queue tests need a PostgreSQL server (``eval "$(scripts/start_test_postgres.sh)"`` sets
``COACH_TEST_POSTGRES_URL``); each test gets a database of its own on it, dropped afterwards (the
store tests empty the shared test database whenever they like)."""
from __future__ import annotations

import pytest

from tests.postgres_db import POSTGRES_URL, own_database


@pytest.fixture
def queue_db_url(tmp_path, monkeypatch):
    if not POSTGRES_URL:
        pytest.skip("no PostgreSQL: eval \"$(scripts/start_test_postgres.sh)\" sets COACH_TEST_POSTGRES_URL")
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)
    with own_database("coach_queue") as url:
        yield url
