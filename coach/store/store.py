"""``Store``: opens the database, upgrades its schema and starts and reads sessions.

SQLite by default (one file in the user's data directory), or any SQLAlchemy URL, e.g. a clinic's
``postgresql+psycopg://...``. Queries that build report data live in ``coach.store.queries``.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import socket
import uuid as uuidlib
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from coach.pose.frame import PoseSeries
from coach.programme.model import Programme
from coach.store import fallback, ops, paths, programmes, queries
from coach.store import schema as t
from coach.store.errors import NotFound, StoreError, StoreWriteError
from coach.store.migrations import upgrade
from coach.store.recorder import SessionRecorder
from coach.store.records import Patient, SessionRecord, SessionSummary
from exercises import ALGORITHM_VERSION
from coach.store.versions import app_version

log = logging.getLogger(__name__)


def _clear_errors(action: str):
    """Turn a driver error into a ``StoreError`` that says what was being done, in words."""
    def wrap(method):
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except SQLAlchemyError as e:
                raise StoreError(f"Could not {action} in {_masked(self.url)}: {_short(e)}") from e
        return inner
    return wrap


class Store:
    """One database. Use ``Store.open()``; close with ``close()`` or a ``with`` block."""

    def __init__(self, engine: Engine, url: str, fallback_dirs: list[Path]):
        self.engine = engine
        self.url = url
        self.fallback_dirs = fallback_dirs
        self.media_dir = paths.media_dir(url)

    @classmethod
    def open(cls, url: str | None = None, *, recover: bool = True, busy_timeout_s: float = 2.0,
             fallback_dirs: list[Path] | None = None) -> "Store":
        """Open (creating and upgrading as needed) the database at ``url`` or the default.

        With ``recover``, unsaved-data files left by a failed write are replayed and sessions left
        open by a crash are marked "interrupted"; a database that cannot be written is still opened
        for reading.
        """
        url = url or paths.default_url()
        db_file = paths.sqlite_file(url)
        if db_file is not None:
            try:
                db_file.parent.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise StoreError(f"Cannot create the data directory {db_file.parent}: {e}") from e
        engine = _make_engine(url, busy_timeout_s)
        try:
            upgrade(engine)
        except SQLAlchemyError as e:
            engine.dispose()
            raise StoreError(f"Cannot open the database {_masked(url)}: {_short(e)}") from e
        store = cls(engine, url, fallback_dirs if fallback_dirs is not None else paths.fallback_dirs())
        if recover:
            try:
                store.recover_unsaved()
                store.mark_interrupted()
            except SQLAlchemyError as e:
                log.warning("database opened read-only: %s", _short(e))
        return store

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def identity(self) -> str:
        """The database named without secrets: matches fallback files to their database."""
        db_file = paths.sqlite_file(self.url)
        return f"sqlite:///{db_file.resolve()}" if db_file else _masked(self.url)

    # --- patients -----------------------------------------------------------------------------

    def add_patient(self, patient_id: str, *, age: int | None = None, sex: str = "", condition: str = "",
                    affected_side: str = "", notes: str = "", video_opt_in: bool = False) -> Patient:
        p = Patient(patient_id, age, sex, condition, affected_side, notes, video_opt_in, _now())
        try:
            with self.engine.begin() as conn:
                conn.execute(t.patients.insert().values(**asdict(p)))
        except IntegrityError as e:
            raise StoreError(f"Patient {patient_id!r} already exists") from e
        except SQLAlchemyError as e:
            raise StoreWriteError(f"Could not save patient {patient_id!r}: {_short(e)}") from e
        return p

    @_clear_errors("update the patient")
    def update_patient(self, patient_id: str, **changes) -> Patient:
        allowed = {"age", "sex", "condition", "affected_side", "notes", "video_opt_in"}
        if set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
        self.patient(patient_id)
        with self.engine.begin() as conn:
            conn.execute(update(t.patients).where(t.patients.c.id == patient_id).values(**changes))
        return self.patient(patient_id)

    @_clear_errors("read the patient")
    def patient(self, patient_id: str) -> Patient:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.patients).where(t.patients.c.id == patient_id)).mappings().first()
        if row is None:
            raise NotFound(f"No patient {patient_id!r}")
        return Patient(**{**row, "created_at": queries.as_utc(row["created_at"])})

    @_clear_errors("list patients")
    def patients(self) -> list[Patient]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.patients).order_by(t.patients.c.id)).mappings().all()
        return [Patient(**{**r, "created_at": queries.as_utc(r["created_at"])}) for r in rows]

    # --- programmes ---------------------------------------------------------------------------

    @_clear_errors("save the programme")
    def save_programme(self, programme: Programme) -> Programme:
        """Save as the patient's next version (earlier versions are kept); return it numbered."""
        self.patient(programme.patient_id)
        with self.engine.begin() as conn:
            return programmes.save(conn, programme)

    @_clear_errors("read the programme")
    def programme(self, patient_id: str, version: int | None = None) -> Programme | None:
        """The patient's current programme (or a given version); None if there is none."""
        with self.engine.connect() as conn:
            return programmes.load(conn, patient_id, version)

    @_clear_errors("read the programme history")
    def programme_history(self, patient_id: str) -> list[Programme]:
        with self.engine.connect() as conn:
            return programmes.history(conn, patient_id)

    # --- recording ----------------------------------------------------------------------------

    def start_session(self, patient_id: str, exercise: str, source: str = "", settings: dict | None = None,
                      *, algorithm_version: str = "", programme_version: int | None = None,
                      started_at: datetime | None = None, retry_interval_s: float = 10.0) -> SessionRecorder:
        """Begin recording. Raises ``StoreWriteError`` if the database cannot take the session at all
        (better said before the patient starts than after). ``started_at`` (default now) is for
        sessions analysed from an earlier video."""
        self.patient(patient_id)
        start = ops.SessionStart(
            uuid=str(uuidlib.uuid4()), patient_id=patient_id, exercise=exercise, source=source,
            started_at=started_at or _now(), host=socket.gethostname(), pid=os.getpid(),
            schema_version=t.SCHEMA_VERSION,
            app_version=app_version(), algorithm_version=algorithm_version or ALGORITHM_VERSION,
            settings=json.loads(json.dumps(settings or {}, default=str)), programme_version=programme_version)
        writer = fallback.FallbackWriter(self.fallback_dirs, self.identity, start.uuid)
        rec = SessionRecorder(self.engine, start, writer, retry_interval_s=retry_interval_s)
        if not rec.health.ok:
            message = rec.health.message
            writer.discard()
            raise StoreWriteError(f"Cannot start a session: {message.split('. ')[0]}.")
        return rec

    def video_path_for(self, session_id: int, suffix: str = ".mp4") -> tuple[Path, str] | None:
        """Where to write a session's video, absolute and relative to the media dir; None without
        the patient's opt-in (then no video may be kept)."""
        info = self.load_session(session_id).summary
        if not self.patient(info.patient_id).video_opt_in:
            return None
        rel = f"videos/{info.patient_id}/session-{info.uuid}{suffix}"
        return self.media_dir / rel, rel

    # --- reading ------------------------------------------------------------------------------

    @_clear_errors("list sessions")
    def sessions(self, patient_id: str | None = None, since: datetime | None = None,
                 until: datetime | None = None, exercise: str | None = None) -> list[SessionSummary]:
        with self.engine.connect() as conn:
            return queries.session_summaries(conn, patient_id, since, until, exercise)

    @_clear_errors("read the session")
    def load_session(self, session_id: int) -> SessionRecord:
        with self.engine.connect() as conn:
            record = queries.load_session(conn, session_id)
        if record is None:
            raise NotFound(f"No session {session_id}")
        if record.video_path:
            record = _with_absolute_video(record, self.media_dir)
        return record

    @_clear_errors("read the landmark track")
    def load_poses(self, session_id: int, set_no: int | None = None) -> PoseSeries:
        """The landmark track of one set, or of the whole session in time order."""
        with self.engine.connect() as conn:
            return queries.load_poses(conn, session_id, set_no)

    # --- crash recovery -----------------------------------------------------------------------

    def mark_interrupted(self, stale_after: timedelta = timedelta(minutes=30)) -> list[int]:
        """Mark sessions left "recording" by a dead process as "interrupted"; return their ids.

        A session counts as dead when its process is gone (same host) or it has not written for
        ``stale_after`` (another host, or a hung process). Its end time is its last write.
        """
        host = socket.gethostname()
        cutoff = _now() - stale_after
        marked = []
        with self.engine.begin() as conn:
            rows = conn.execute(select(t.sessions.c.id, t.sessions.c.host, t.sessions.c.pid,
                                       t.sessions.c.last_write_at)
                                .where(t.sessions.c.status == "recording")).all()
            for sid, s_host, pid, last in rows:
                last = queries.as_utc(last)
                alive_here = s_host == host and pid is not None and _pid_alive(pid)
                if alive_here and last > cutoff:
                    continue
                if s_host != host and last > cutoff:
                    continue
                conn.execute(update(t.sessions).where(t.sessions.c.id == sid)
                             .values(status="interrupted", ended_at=last))
                marked.append(sid)
        for sid in marked:
            log.warning("session %d was left open (crash or power loss): marked interrupted", sid)
        return marked

    def recover_unsaved(self) -> list[str]:
        """Replay fallback files written for this database; return the recovered session uuids."""
        recovered = []
        for path in fallback.find(self.fallback_dirs):
            try:
                unsaved = fallback.read(path)
            except (OSError, ValueError) as e:
                log.warning("skipping unsaved-data file %s: %s", path, e)
                continue
            if unsaved.database != self.identity or self._recording_elsewhere(unsaved.session_uuid):
                continue
            with self.engine.begin() as conn:
                ops.apply(conn, unsaved.session_uuid, unsaved.ops, _now())
            path.unlink()
            log.warning("saved %d held write(s) of session %s from %s", len(unsaved.ops),
                        unsaved.session_uuid, path)
            recovered.append(unsaved.session_uuid)
        return recovered

    def _recording_elsewhere(self, session_uuid: str) -> bool:
        """True while the process that wrote the file is alive: it will save the data itself."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions.c.host, t.sessions.c.pid, t.sessions.c.status)
                               .where(t.sessions.c.uuid == session_uuid)).first()
        return (row is not None and row.status == "recording" and row.host == socket.gethostname()
                and row.pid != os.getpid() and _pid_alive(row.pid))


def _make_engine(url: str, busy_timeout_s: float) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            # WAL: the physio's report can read while the live loop writes, neither waiting.
            # synchronous=FULL: a commit is on disk before the call returns, so a rep survives power loss.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def _with_absolute_video(record: SessionRecord, media_dir: Path) -> SessionRecord:
    from dataclasses import replace
    return replace(record, video_path=str(media_dir / record.video_path))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def _short(e: BaseException) -> str:
    orig = getattr(e, "orig", None)
    return str(orig or e).strip().splitlines()[0]
