"""Schema versioning: a ``schema_migrations`` table and an ordered list of upgrade steps.

Why not Alembic: the coach upgrades patients' own databases silently at start-up, with no
migration scripts directory or ini file to ship, and the schema is small. A fresh database is
created from ``schema.metadata`` at the current version and stamped (what Alembic's docs advise
too); an older database gets every step after its version, each in its own transaction.
A database newer than this code is refused rather than misread.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, inspect, select, text
from sqlalchemy.engine import Connection, Engine

from coach.store import schema
from coach.store import sync_schema  # registers the v4 tables on schema.metadata (a fresh database gets them)
from coach.store.errors import SchemaTooNew

_version_meta = MetaData()
schema_migrations = Table(
    "schema_migrations", _version_meta,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Migration:
    """Upgrade from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _create_v1(conn: Connection) -> None:
    schema.metadata.create_all(conn)


def _v2_exclusion_and_test_details(conn: Connection) -> None:
    """Session exclusion (who, why) and the full TestResult; old test-id spellings made canonical."""
    from sqlalchemy import update

    from exercises.validated_tests import ALIASES

    pg = conn.dialect.name == "postgresql"
    words = {"false": "false" if pg else "0", "timestamp": "TIMESTAMP WITH TIME ZONE" if pg else "DATETIME"}
    insp = inspect(conn)
    for table, columns in schema.V2_COLUMNS.items():
        have = {c["name"] for c in insp.get_columns(table)}
        for name, ddl in columns:
            if name not in have:  # a database created by _create_v1 from today's metadata has them
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {name} {ddl.format(**words)}"))
    for old, new in ALIASES.items():
        conn.execute(update(schema.test_results).where(schema.test_results.c.test == old).values(test=new))


def _v3_session_events_diary_clips(conn: Connection) -> None:
    """New tables only: session events by id, the patient's diary, clips for the physio."""
    for table in schema.V3_TABLES:
        table.create(conn, checkfirst=True)


def _v4_clinic_sync(conn: Connection) -> None:
    """New tables only: paired devices, pairing codes, deliveries, physio accounts, audit log, alerts
    marked seen, alert settings, the laptop's outbox (``coach.store.sync_schema``)."""
    for table in sync_schema.V4_TABLES:
        table.create(conn, checkfirst=True)


def _v5_caseload_indexes(conn: Connection) -> None:
    """Indexes only (bench/caseload.py): a patient's sessions by time, faults by rep, events by session,
    clips by patient."""
    for index in schema.V5_INDEXES:
        index.create(conn, checkfirst=True)


def _v6_diary_history(conn: Connection) -> None:
    """A new table only: earlier versions of a diary day."""
    schema.diary_history.create(conn, checkfirst=True)


def _v7_stored_alerts(conn: Connection) -> None:
    """New tables: each patient's current alerts and when they were worked out, filled for every patient
    (``coach.sync.alerts.refresh``; ~0.1 s a patient with a year of sessions)."""
    from coach.sync import alerts

    for table in schema.V7_TABLES:
        table.create(conn, checkfirst=True)
    for pid in conn.execute(select(schema.patients.c.id).order_by(schema.patients.c.id)).scalars().all():
        alerts.refresh(conn, pid)


# Append new steps here; each must work on a database at the previous version, on SQLite and PostgreSQL.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "initial schema", _create_v1),
    Migration(2, "session exclusion; full test results", _v2_exclusion_and_test_details),
    Migration(3, "session events, diary, clips", _v3_session_events_diary_clips),
    Migration(4, "clinic sync: devices, pairing, outbox, physio accounts, audit log, alerts", _v4_clinic_sync),
    Migration(5, "indexes for a clinic's caseload", _v5_caseload_indexes),
    Migration(6, "diary history", _v6_diary_history),
    Migration(7, "each patient's current alerts, kept up to date", _v7_stored_alerts),
)


def current_version(conn: Connection) -> int:
    """The database's schema version, 0 for an empty database."""
    if not inspect(conn).has_table("schema_migrations"):
        return 0
    return conn.execute(select(schema_migrations.c.version).order_by(
        schema_migrations.c.version.desc()).limit(1)).scalar() or 0


def upgrade(engine: Engine, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database to the newest version; return it."""
    head = migrations[-1].version
    with engine.begin() as conn:
        _version_meta.create_all(conn)
        version = current_version(conn)
        if version > head:
            raise SchemaTooNew(
                f"The database is at schema version {version} but this coach only knows up to {head}. "
                "Update the coach software; the database was not changed.")
        if version == 0 and migrations is MIGRATIONS:
            # Fresh database: build the current schema in one go and stamp every step as applied.
            schema.metadata.create_all(conn)
            for m in migrations:
                _stamp(conn, m)
            return head
    for m in migrations:
        if m.version > version:
            with engine.begin() as conn:
                m.apply(conn)
                _stamp(conn, m)
    return head


def _stamp(conn: Connection, m: Migration) -> None:
    conn.execute(schema_migrations.insert().values(
        version=m.version, description=m.description, applied_at=datetime.now(timezone.utc)))
