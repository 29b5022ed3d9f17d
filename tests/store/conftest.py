"""Store tests run against SQLite always and PostgreSQL when ``COACH_TEST_POSTGRES_URL`` is set
(``eval "$(scripts/start_test_postgres.sh)"`` starts a throwaway server and sets it)."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from coach.store import Store

POSTGRES_URL = os.environ.get("COACH_TEST_POSTGRES_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    """Never touch the real user data directory or a real database from a test."""
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)


def _empty_postgres(url: str) -> str:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path) -> str:
    """A URL to an empty database of each backend."""
    if request.param == "postgresql":
        return _empty_postgres(POSTGRES_URL)
    (tmp_path / "data").mkdir(exist_ok=True)
    return f"sqlite:///{tmp_path / 'data' / 'coach.db'}"


@pytest.fixture
def fallback_dir(tmp_path):
    return tmp_path / "unsaved"


@pytest.fixture
def store(db_url, fallback_dir):
    s = Store.open(db_url, fallback_dirs=[fallback_dir])
    s.add_patient("P001", age=72, sex="female", condition="stroke", affected_side="left")
    yield s
    s.close()
