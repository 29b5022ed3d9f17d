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
    """An old database gets exactly the steps after its version (here two made-up steps)."""
    engine = create_engine(db_url)
    head = upgrade(engine)
    applied = []

    def add_column(conn):
        applied.append(head + 1)
        conn.execute(text("ALTER TABLE patients ADD COLUMN height_cm FLOAT"))

    steps = MIGRATIONS + (Migration(head + 1, "patient height", add_column),
                          Migration(head + 2, "noop", lambda conn: applied.append(head + 2)))
    assert upgrade(engine, steps) == head + 2
    assert upgrade(engine, steps) == head + 2
    assert applied == [head + 1, head + 2]
    assert "height_cm" in {c["name"] for c in inspect(engine).get_columns("patients")}
    engine.dispose()


def _now():
    from datetime import datetime, timezone
    return datetime.now(timezone.utc)


def test_version_1_database_gains_exclusion_and_canonical_test_ids(db_url, fallback_dir):
    """A database written by the v1 code: the v2 step adds the columns and renames old test ids."""
    from coach.store import schema

    engine = create_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:  # take it back to what v1 wrote
        for table, columns in schema.V2_COLUMNS.items():
            for name, _ in columns:
                conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {name}"))
        conn.execute(schema_migrations.delete().where(schema_migrations.c.version > 1))
        conn.execute(text("INSERT INTO patients (id, notes, video_opt_in, created_at) VALUES ('P1', '', false, '2026-01-01')"))
        conn.execute(text("INSERT INTO sessions (uuid, patient_id, exercise, source, status, started_at, last_write_at, "
                          "host, schema_version, app_version, algorithm_version, settings, notes) VALUES "
                          "('u1', 'P1', 'sit-to-stand', '', 'complete', '2026-01-01', '2026-01-01', '', 1, '0', '', '{}', '')"))
        conn.execute(text("INSERT INTO test_results (session_id, seq, test, value, unit, norm_source, interpretation) "
                          "SELECT id, 1, 'chair_stand_30s', 11, 'reps', '', 'old' FROM sessions"))
    engine.dispose()
    with Store.open(db_url, fallback_dirs=[fallback_dir]) as s:
        [summary] = s.sessions("P1")
        assert summary.excluded is False and summary.excluded_by == ""
        [stored] = s.test_results("P1")
        assert stored.result.test == "chair-stand-30s" and stored.result.value == 11
        s.exclude_session(summary.id, by="physio A", reason="wrong exercise")
        assert s.sessions("P1")[0].excluded_reason == "wrong exercise"
