"""A version-2 database gains session events, the diary and clips and keeps everything it had."""
from __future__ import annotations

from datetime import date

from sqlalchemy import create_engine, inspect, select, text

from coach.store import DiaryEntry, Store
from coach.store import schema
from coach.store.migrations import MIGRATIONS, current_version, schema_migrations, upgrade


def test_version_2_database_upgrades_and_keeps_its_data(db_url, fallback_dir):
    engine = create_engine(db_url)
    upgrade(engine)
    with engine.begin() as conn:  # take it back to what the v2 code wrote
        for table in reversed(schema.V3_TABLES):
            table.drop(conn)
        conn.execute(schema_migrations.delete().where(schema_migrations.c.version > 2))
        conn.execute(text("INSERT INTO patients (id, notes, video_opt_in, created_at) VALUES "
                          "('P7', 'left hemiparesis', true, '2026-01-01')"))
        conn.execute(text("INSERT INTO sessions (uuid, patient_id, exercise, source, status, started_at, last_write_at, "
                          "host, schema_version, app_version, algorithm_version, settings, notes, excluded, excluded_by, "
                          "excluded_reason) VALUES ('u7', 'P7', 'sit-to-stand', '', 'complete', '2026-01-01', "
                          "'2026-01-01', '', 2, '0', '', '{}', '', false, '', '')"))
        conn.execute(text("INSERT INTO events (session_id, seq, kind, time_s, detail) "
                          "SELECT id, 1, 'fall_like', 9.5, 'hips dropped' FROM sessions"))
    with engine.connect() as conn:
        assert current_version(conn) == 2 and not inspect(conn).has_table("diary_entries")
    engine.dispose()

    with Store.open(db_url, fallback_dirs=[fallback_dir]) as s:
        with s.engine.connect() as conn:
            assert current_version(conn) == MIGRATIONS[-1].version  # 3, and any step after it
            assert conn.execute(select(schema_migrations.c.version)).scalars().all() == [m.version for m in MIGRATIONS]
        [summary] = s.sessions("P7")
        assert s.patient("P7").notes == "left hemiparesis" and s.patient("P7").video_opt_in
        assert [(e.kind, e.time_s) for e in s.load_session(summary.id).events] == [("fall_like", 9.5)]
        s.add_session_event(summary.id, 3.0, "balance_loss", "step")
        assert [e.detail for e in s.session_events(summary.id)] == ["step"]
        s.save_diary_entry(DiaryEntry("P7", date(2026, 1, 2), fatigue=3))
        assert s.diary_entries("P7")[0].fatigue == 3
    with Store.open(db_url, fallback_dirs=[fallback_dir]) as s:  # reopening applies nothing twice
        assert len(s.session_events(s.sessions("P7")[0].id)) == 1
