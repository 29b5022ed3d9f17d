"""A version-3 database gains the clinic-sync tables (devices, pairing codes, outbox, physio accounts,
audit log, alerts) and keeps everything it had."""
from __future__ import annotations

from sqlalchemy import create_engine, inspect, select, text

from coach.store import Store
from coach.store import sync_schema
from coach.store.migrations import current_version, schema_migrations, upgrade


def test_version_3_database_upgrades_to_4_and_keeps_its_data(db_url, fallback_dir):
    engine = create_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:  # take it back to what the v3 code wrote
        for table in reversed(sync_schema.V4_TABLES):
            table.drop(conn)
        conn.execute(schema_migrations.delete().where(schema_migrations.c.version > 3))
        conn.execute(text("INSERT INTO patients (id, notes, video_opt_in, created_at) VALUES "
                          "('P7', 'left hemiparesis', true, '2026-01-01')"))
    with engine.connect() as conn:
        assert current_version(conn) == 3 and not inspect(conn).has_table("sync_outbox")
    engine.dispose()

    with Store.open(db_url, fallback_dirs=[fallback_dir]) as s:
        with s.engine.connect() as conn:
            assert current_version(conn) >= 4
            assert 4 in conn.execute(select(schema_migrations.c.version)).scalars().all()
            names = set(inspect(conn).get_table_names())
        assert {t.name for t in sync_schema.V4_TABLES} <= names
        assert s.patient("P7").notes == "left hemiparesis"
