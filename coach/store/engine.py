"""The SQLAlchemy engine for a database URL: SQLite's pragmas (WAL, full sync, foreign keys), a
read-only file's schema check."""
from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from coach.store.errors import StoreError
from coach.store.migrations import MIGRATIONS, current_version


def check_version_read_only(engine: Engine) -> None:
    with engine.connect() as conn:
        version = current_version(conn)
    if version != MIGRATIONS[-1].version:
        raise StoreError(f"The database is at schema version {version} and cannot be upgraded while read-only")


def make_engine(url: str, busy_timeout_s: float) -> Engine:
    if url.startswith("sqlite"):
        read_only = "mode=ro" in url
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if read_only:
                cur.close()
                return
            # WAL: the physio's report can read while the live loop writes, neither waiting.
            # synchronous=FULL: a commit is on disk before the call returns, so a rep survives power loss.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)

