"""Schema versions: stamped on creation, upgraded step by step, a newer database refused."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, inspect, select, text

from coach.store import SchemaTooNew, Store
from coach.store.migrations import MIGRATIONS, Migration, current_version, schema_migrations, upgrade


def test_fresh_database_is_stamped_and_reopens(db_url, fallback_dir):
    Store.open(db_url, fallback_dirs=[fallback_dir]).close()
    with Store.open(db_url, fallback_dirs=[fallback_dir]) as s, s.engine.connect() as conn:
        assert current_version(conn) == MIGRATIONS[-1].version
        versions = conn.execute(select(schema_migrations.c.version)).scalars().all()
        assert versions == [m.version for m in MIGRATIONS]  # reopening applied nothing twice


def test_newer_database_is_refused_untouched(db_url, fallback_dir):
    Store.open(db_url, fallback_dirs=[fallback_dir]).close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(schema_migrations.insert().values(version=99, description="future", applied_at=_now()))
    engine.dispose()
    with pytest.raises(SchemaTooNew, match="version 99"):
        Store.open(db_url, fallback_dirs=[fallback_dir])


def test_steps_run_in_order_once(db_url):
    """An old database gets exactly the steps after its version (here a made-up step 2 and 3)."""
    engine = create_engine(db_url)
    upgrade(engine)  # at version 1
    applied = []

    def add_column(conn):
        applied.append(2)
        conn.execute(text("ALTER TABLE patients ADD COLUMN height_cm FLOAT"))

    steps = MIGRATIONS + (Migration(2, "patient height", add_column),
                          Migration(3, "noop", lambda conn: applied.append(3)))
    assert upgrade(engine, steps) == 3
    assert upgrade(engine, steps) == 3
    assert applied == [2, 3]
    assert "height_cm" in {c["name"] for c in inspect(engine).get_columns("patients")}
    engine.dispose()


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)
