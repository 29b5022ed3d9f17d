"""``Store``: opens the database, upgrades its schema and starts and reads sessions.

SQLite by default (one file in the user's data directory), or any SQLAlchemy URL, e.g. a clinic's
``postgresql+psycopg://...``. Queries that build report data live in ``coach.store.queries``.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import socket
import sqlite3
import stat
import threading
import uuid as uuidlib
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, delete, event, func, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from coach.pose.frame import PoseSeries
from coach.programme.model import Programme
from coach.store import consent, fallback, integrity, ops, paths, programmes, queries
from coach.store import schema as t
from coach.store.errors import NotFound, StoreError, StoreWriteError, driver_message
from coach.store.migrations import upgrade
from coach.store.patient_week import PatientWeekMixin
from coach.store.recorder import SessionRecorder
from coach.store.records import Patient, SessionRecord, SessionSummary, StoredTest, TestResult
from exercises import ALGORITHM_VERSION
from coach.store.versions import app_version

log = logging.getLogger(__name__)
MIN_FREE_BYTES = 1024 * 1024  # below this SQLite cannot open a database for writing


def _clear_errors(action: str):
    """Turn a driver error into a ``StoreError`` that says what was being done, in words."""
    def wrap(method):
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except SQLAlchemyError as e:
                raise StoreError(f"Could not {action} in {_masked(self.url)}: {driver_message(e)}") from e
        return inner
    return wrap


class Store(PatientWeekMixin):
    """One database. Use ``Store.open()``; close with ``close()`` or a ``with`` block. Diary, clips and
    events added to a stored session: ``PatientWeekMixin``."""

    def __init__(self, engine: Engine, url: str, fallback_dirs: list[Path], read_only_reason: str = ""):
        self.engine = engine
        self.url = url
        self.fallback_dirs = fallback_dirs
        self.media_dir = paths.media_dir(url)
        self.read_only_reason = read_only_reason  # "" when writable; else why the store was opened read-only
        self.backup_path: Path | None = None  # the backup made on this open, if one was due

    @classmethod
    def open(cls, url: str | None = None, *, recover: bool = True, busy_timeout_s: float = 2.0,
             fallback_dirs: list[Path] | None = None, check: bool = True,
             backup_every: timedelta | None = integrity.BACKUP_EVERY) -> "Store":
        """Open (creating and upgrading as needed) the database at ``url`` or the default.

        A SQLite file is checked first (``PRAGMA quick_check``): a damaged or emptied file is refused
        with a message naming it and the way back (``coach db restore``), never written to or replaced.
        A file or folder that cannot be written is opened read-only, and ``read_only_reason`` says why;
        writes then raise ``StoreWriteError`` with that reason. A rotating backup is made when one is
        due (``backup_every``; None: never). With ``recover``, session journals left by a failed write
        or a crash are replayed and silent sessions are marked "interrupted".
        """
        url = url or paths.default_url()
        db_file = paths.sqlite_file(url)
        read_only = ""
        if db_file is not None:
            read_only = _prepare_sqlite_file(db_file)
            if check:
                damaged = integrity.problem(db_file, immutable=bool(read_only))
                if damaged:
                    raise StoreError(f"The database {db_file} is damaged ({damaged}); nothing was written to it. "
                                     f"Way back: {integrity.way_back(db_file)}.")
        engine_url = f"sqlite:///file:{db_file}?mode=ro&immutable=1&uri=true" if read_only else url
        engine = _make_engine(engine_url, busy_timeout_s)
        try:
            if read_only:
                _check_version_read_only(engine)
            else:
                upgrade(engine)
        except SQLAlchemyError as e:
            engine.dispose()
            raise StoreError(f"Cannot open the database {_masked(url)}: {driver_message(e)}") from e
        if db_file is not None and not read_only:
            _make_private(db_file)  # SQLite creates files 0644; its WAL and SHM files copy the database's mode
            _close_tree(paths.media_dir(url))
        store = cls(engine, url, fallback_dirs if fallback_dirs is not None else paths.fallback_dirs(url), read_only)
        if read_only:
            log.warning("database opened read-only: %s", read_only)
            return store
        if recover:
            try:
                store.recover_unsaved()
                store.mark_interrupted()
            except SQLAlchemyError as e:  # e.g. locked right now: recording says so when it starts
                log.warning("could not replay journals or mark stale sessions now: %s", driver_message(e))
        if db_file is not None and backup_every is not None and integrity.backup_due(db_file, backup_every):
            try:
                store.backup_path = integrity.make_backup(db_file)
            except (OSError, sqlite3.Error) as e:
                log.warning("could not back up %s: %s", db_file, e)
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
        self._require_writable(f"save patient {patient_id!r}")
        validate_patient_id(patient_id)
        validate_notes(notes)
        p = Patient(patient_id, age, sex, condition, affected_side, notes, video_opt_in, _now())
        try:
            with self.engine.begin() as conn:
                conn.execute(t.patients.insert().values(**asdict(p)))
        except IntegrityError as e:
            raise StoreError(f"Patient {patient_id!r} already exists") from e
        except SQLAlchemyError as e:
            raise StoreWriteError(f"Could not save patient {patient_id!r}: {driver_message(e)}") from e
        return p

    @_clear_errors("update the patient")
    def update_patient(self, patient_id: str, **changes) -> Patient:
        allowed = {"age", "sex", "condition", "affected_side", "notes", "video_opt_in"}
        if set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
        self._require_writable("update the patient")
        validate_notes(changes.get("notes", ""))
        self.patient(patient_id)
        withdrawn = changes.get("video_opt_in") is False
        with self.engine.begin() as conn:
            conn.execute(update(t.patients).where(t.patients.c.id == patient_id).values(**changes))
            if withdrawn:  # no consent, no video: the references go in the same transaction
                consent.forget_videos(conn, patient_id)
        if withdrawn:
            consent.remove_files(self.media_dir, patient_id)
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
        self._require_writable("save the programme")
        self.patient(programme.patient_id)
        if not programme.exercises:
            raise ValueError(f"a programme needs at least one exercise (patient {programme.patient_id})")
        validate_notes(programme.note)
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
                      started_at: datetime | None = None, retry_interval_s: float = 1.0,
                      lazy: bool = True) -> SessionRecorder:
        """Begin recording. Raises ``StoreWriteError`` if the database refuses writes (read-only,
        locked): better said before the patient starts than after. A database that does not answer
        at all does not stop the session: the recorder's journal keeps everything meanwhile.
        With ``lazy`` (the default) the session reaches the database only with its first rep or
        attempt (see ``SessionRecorder``). ``started_at`` (default now) is for analysed videos."""
        self._require_writable("start a session")
        self.patient(patient_id)
        self._probe_writable(patient_id)
        start = ops.SessionStart(
            uuid=str(uuidlib.uuid4()), patient_id=patient_id, exercise=exercise, source=source,
            started_at=started_at or _now(), host=socket.gethostname(), pid=os.getpid(),
            schema_version=t.SCHEMA_VERSION,
            app_version=app_version(), algorithm_version=algorithm_version or ALGORITHM_VERSION,
            settings=json.loads(json.dumps(settings or {}, default=str)), programme_version=programme_version)
        writer = fallback.FallbackWriter(self.fallback_dirs, self.identity, start.uuid)
        _keep_reserve(self.fallback_dirs)  # room for the journal if the disk fills during the session
        return SessionRecorder(self.engine, start, writer, retry_interval_s=retry_interval_s, lazy=lazy)

    def _probe_writable(self, patient_id: str, wait_s: float = 3.0) -> None:
        """A write that changes nothing: a locked or read-only database answers with an error at once;
        one that does not answer within ``wait_s`` is left to the recorder's journal."""
        outcome: list[BaseException | None] = []

        def probe() -> None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(t.patients).where(t.patients.c.id == patient_id)
                                 .values(id=t.patients.c.id))
                outcome.append(None)
            except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
                outcome.append(e)

        worker = threading.Thread(target=probe, daemon=True, name="store-probe")
        worker.start()
        worker.join(wait_s)
        if not outcome:
            log.warning("the database did not answer within %.0f s: recording to the local journal", wait_s)
            return
        if isinstance(outcome[0], SQLAlchemyError):
            raise StoreWriteError(f"Cannot start a session: Could not save to the database ({driver_message(outcome[0])}).")
        if outcome[0] is not None:
            raise outcome[0]

    def _require_writable(self, action: str) -> None:
        if self.read_only_reason:
            raise StoreWriteError(f"Cannot {action}: {self.read_only_reason}; the database was opened read-only.")

    def video_path_for(self, session, suffix: str = ".mp4") -> tuple[Path, str] | None:
        """Where to write a session's video, absolute and relative to the media dir; None without
        the patient's opt-in (then no video may be kept). ``session``: a session id, or a
        ``SessionRecorder`` (its session may not be in the database yet)."""
        if isinstance(session, SessionRecorder):
            patient_id, uuid = session.patient_id, session.uuid
        else:
            info = self.load_session(session).summary
            patient_id, uuid = info.patient_id, info.uuid
        if not self.patient(patient_id).video_opt_in:
            return None
        rel = f"videos/{patient_id}/session-{uuid}{suffix}"
        return self.media_dir / rel, rel

    # --- validated tests ----------------------------------------------------------------------

    def save_test_result(self, patient_id: str, result: TestResult, session_id: int | None = None,
                         *, source: str = "", started_at: datetime | None = None) -> int:
        """Store a validated-test result; return its session's id. Without ``session_id`` a session of
        the test's own is made (exercise = the test's exercise, settings mode "test"). A result that
        could not be scored is stored too (the physio sees that the test was tried and why it failed)."""
        from exercises.validated_tests import TESTS, canonical_test_id

        if not isinstance(result, TestResult):
            raise TypeError(f"expected a TestResult, got {type(result).__name__}")
        from exercises.validated_tests import implausible

        if implausible(result):
            raise ValueError(f"not stored: {implausible(result)}")
        self._require_writable("save the test result")
        self.patient(patient_id)
        if session_id is None:
            spec = TESTS[canonical_test_id(result.test)]
            rec = self.start_session(patient_id, spec.exercise, source=source or f"test:{spec.id}",
                                     settings={"mode": "test", "test": spec.id}, started_at=started_at, lazy=False)
            rec.add_test_result(result)
            rec.finish("complete")
            return rec.session_id
        try:
            with self.engine.begin() as conn:
                row = conn.execute(select(t.sessions.c.patient_id).where(t.sessions.c.id == session_id)).first()
                if row is None:
                    raise NotFound(f"No session {session_id}")
                if row.patient_id != patient_id:
                    raise ValueError(f"session {session_id} belongs to another patient, not {patient_id!r}")
                seq = conn.execute(select(func.coalesce(func.max(t.test_results.c.seq), 0))
                                   .where(t.test_results.c.session_id == session_id)).scalar() + 1
                conn.execute(t.test_results.insert().values(session_id=session_id, seq=seq,
                                                            **ops.test_columns(result)))
        except SQLAlchemyError as e:
            raise StoreWriteError(f"Could not save the test result in {_masked(self.url)}: {driver_message(e)}") from e
        return session_id

    @_clear_errors("read the test results")
    def test_results(self, patient_id: str) -> list[StoredTest]:
        """The patient's test results in time order (``StoredTest``: ids, time, ``result``)."""
        with self.engine.connect() as conn:
            return queries.test_results(conn, patient_id)

    # --- what counts in the record --------------------------------------------------------------

    def exclude_session(self, session_id: int, by: str, reason: str) -> None:
        """Leave a session out of trends and suggestions; it is kept, marked with who and why."""
        if not (by or "").strip() or not (reason or "").strip():
            raise ValueError("say who excludes the session and why")
        self._set_exclusion(session_id, excluded=True, excluded_by=by.strip()[:128],
                            excluded_reason=reason.strip()[:2000], excluded_at=_now())

    def include_session(self, session_id: int) -> None:
        """Undo ``exclude_session``."""
        self._set_exclusion(session_id, excluded=False, excluded_by="", excluded_reason="", excluded_at=None)

    def _set_exclusion(self, session_id: int, **values) -> None:
        self._require_writable("change the session")
        try:
            with self.engine.begin() as conn:
                done = conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(**values))
        except SQLAlchemyError as e:
            raise StoreWriteError(f"Could not change session {session_id}: {driver_message(e)}") from e
        if done.rowcount == 0:
            raise NotFound(f"No session {session_id}")

    def discard_session(self, session_id: int) -> None:
        """Delete a session the patient made by mistake, with its reps, landmarks and video."""
        self._require_writable("discard the session")
        record = self.load_session(session_id)
        try:
            with self.engine.begin() as conn:
                _delete_session_rows(conn, session_id)
        except SQLAlchemyError as e:
            raise StoreWriteError(f"Could not discard session {session_id}: {driver_message(e)}") from e
        if record.video_path:
            Path(record.video_path).unlink(missing_ok=True)

    def mark_stale(self, max_silence_s: float = 60.0) -> list[int]:
        """End as "interrupted" every session still "recording" that has not written (rep, landmarks or
        heartbeat) for ``max_silence_s``: a closed or reloaded browser tab, a dead process."""
        return self.mark_interrupted(stale_after=timedelta(seconds=max_silence_s))

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

    def mark_interrupted(self, stale_after: timedelta = timedelta(seconds=60)) -> list[int]:
        """Mark sessions left "recording" by a dead process as "interrupted"; return their ids.

        A session counts as dead when its process is gone (same host) or it has not written for
        ``stale_after`` (another host, a hung process, a closed browser tab: a live recorder writes
        a heartbeat every 15 s). Its end time is its last write.
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
            if fallback.in_use(path):
                continue  # its recorder is alive (here or in another process) and saves it itself
            try:
                unsaved = fallback.read(path)
            except (OSError, ValueError) as e:
                log.warning("skipping unsaved-data file %s: %s", path, e)
                continue
            if unsaved.database != self.identity or self._recording_elsewhere(unsaved.session_uuid):
                continue
            why = self._untrusted_ops(unsaved)
            if why:
                log.warning("not replaying %s: %s", path, why)
                continue
            try:
                with self.engine.begin() as conn:
                    ops.apply(conn, unsaved.session_uuid, unsaved.ops, _now())
            except (SQLAlchemyError, ValueError) as e:
                log.warning("could not replay %s (kept for the next start): %s", path, driver_message(e))
                continue
            path.unlink()
            log.warning("saved %d held write(s) of session %s from %s", len(unsaved.ops),
                        unsaved.session_uuid, path)
            recovered.append(unsaved.session_uuid)
        return recovered

    def _untrusted_ops(self, unsaved: fallback.UnsavedFile) -> str:
        """Why a journal's writes must not be applied ("" when they may): its patient must exist and
        its session, if already stored, must be that patient's."""
        start = next((o for o in unsaved.ops if isinstance(o, ops.SessionStart)), None)
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions.c.patient_id).where(t.sessions.c.uuid == unsaved.session_uuid)).first()
            if start is None and row is None:
                return "its session was never started"
            patient = start.patient_id if start is not None else row.patient_id
            if row is not None and start is not None and row.patient_id != start.patient_id:
                return "it names another patient than the stored session"
            if conn.execute(select(t.patients.c.id).where(t.patients.c.id == patient)).first() is None:
                return f"its patient {patient!r} does not exist"
        return ""

    def _recording_elsewhere(self, session_uuid: str) -> bool:
        """True while the process that wrote the file is alive: it will save the data itself."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions.c.host, t.sessions.c.pid, t.sessions.c.status)
                               .where(t.sessions.c.uuid == session_uuid)).first()
        return (row is not None and row.status == "recording" and row.host == socket.gethostname()
                and row.pid != os.getpid() and _pid_alive(row.pid))


def _prepare_sqlite_file(db_file: Path) -> str:
    """Make the data folder (0700) and close the file (0600); "" or why it can only be read."""
    folder = db_file.parent
    if not folder.exists():
        try:
            fallback.private_dir(folder)
        except OSError as e:
            raise StoreError(f"Cannot create the data directory {folder}: {e}") from e
        return ""
    _refuse_foreign(folder, db_file)
    if db_file.exists() and not os.access(db_file, os.R_OK):
        raise StoreError(f"Cannot read the database {db_file}: permission denied")
    if not os.access(folder, os.W_OK | os.X_OK):
        if not db_file.exists():
            raise StoreError(f"Cannot create the database in {folder}: the folder is read-only")
        return f"the data folder {folder} is read-only"
    if db_file.exists() and not os.access(db_file, os.W_OK):
        return f"the database file {db_file} is read-only"
    _make_private(db_file)
    free = shutil.disk_usage(folder).free
    if db_file.exists() and free < MIN_FREE_BYTES:  # SQLite could not even open it for writing: not damage
        return (f"the disk holding {folder} is full ({free // 1024} KB free): free some space "
                "(old videos, downloads) before recording")
    return ""


def _refuse_foreign(folder: Path, db_file: Path) -> None:
    """As ssh refuses a key file with loose modes: a data folder or database that another user owns,
    or that anyone may write to, could hold a planted database that would receive this patient's
    health data. Refused with one line; a folder of one's own that is only group-writable is closed."""
    me = os.geteuid()
    for path, what in ((folder, "data folder"), (db_file, "database")):
        try:
            st = os.stat(path)
        except FileNotFoundError:
            continue
        if st.st_uid != me:
            raise StoreError(f"Refusing the {what} {path}: it belongs to another user (uid {st.st_uid}), who could "
                             "read or replace the health data in it. Use a folder of your own (COACH_DATA_DIR).")
        if st.st_mode & 0o002:
            raise StoreError(f"Refusing the {what} {path}: anyone on this computer can write to it (mode "
                             f"{stat.S_IMODE(st.st_mode):o}), so its contents cannot be trusted. If they are yours, "
                             f"close it with: chmod {'700' if path == folder else '600'} {path}")


def _make_private(db_file: Path) -> None:
    """Folder 0700, database files 0600, where they are ours (health data: the user's alone)."""
    me = os.geteuid()
    try:
        folder = db_file.parent
        if folder.stat().st_uid == me and folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)
        for f in (db_file, db_file.with_name(db_file.name + "-wal"), db_file.with_name(db_file.name + "-shm")):
            if f.exists() and f.stat().st_uid == me and f.stat().st_mode & 0o077:
                os.chmod(f, 0o600)
    except OSError as e:
        log.warning("could not make %s private: %s", db_file.parent, e)


def _close_tree(folder: Path) -> None:
    """Videos and uploads written by older versions (0755 / 0644): closed to group and others."""
    if not folder.is_dir():
        return
    me = os.geteuid()
    try:
        for root, dirs, files in os.walk(folder):
            for name in [root, *(os.path.join(root, f) for f in files)]:
                st = os.lstat(name)
                if st.st_uid == me and st.st_mode & 0o077 and not os.path.islink(name):
                    os.chmod(name, 0o700 if name == root else 0o600)
    except OSError as e:
        log.warning("could not make %s private: %s", folder, e)


def _check_version_read_only(engine: Engine) -> None:
    from coach.store.migrations import MIGRATIONS, current_version

    with engine.connect() as conn:
        version = current_version(conn)
    if version != MIGRATIONS[-1].version:
        raise StoreError(f"The database is at schema version {version} and cannot be upgraded while read-only")


def _delete_session_rows(conn, session_id: int) -> None:
    """Children first: SQLite enforces ON DELETE CASCADE only with foreign_keys on, PostgreSQL always."""
    set_ids = select(t.sets.c.id).where(t.sets.c.session_id == session_id)
    rep_ids = select(t.reps.c.id).where(t.reps.c.set_id.in_(set_ids))
    conn.execute(delete(t.faults).where(t.faults.c.rep_id.in_(rep_ids)))
    conn.execute(delete(t.reps).where(t.reps.c.set_id.in_(set_ids)))
    conn.execute(delete(t.pose_chunks).where(t.pose_chunks.c.set_id.in_(set_ids)))
    conn.execute(delete(t.sets).where(t.sets.c.session_id == session_id))
    conn.execute(delete(t.events).where(t.events.c.session_id == session_id))
    conn.execute(delete(t.session_events).where(t.session_events.c.session_id == session_id))
    conn.execute(delete(t.test_results).where(t.test_results.c.session_id == session_id))
    conn.execute(delete(t.sessions).where(t.sessions.c.id == session_id))


def _make_engine(url: str, busy_timeout_s: float) -> Engine:
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


PATIENT_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
NOTES_MAX_CHARS = 20_000  # a page or two of clinical notes; more is a mistake (or an attack)


def validate_patient_id(patient_id: str) -> str:
    """Pseudonymous codes only: letters, digits, '.', '_' and '-', 1-64 characters, no path tricks."""
    if not isinstance(patient_id, str) or not PATIENT_ID.fullmatch(patient_id) or ".." in patient_id:
        raise ValueError(f"invalid patient id {patient_id!r}: use 1-64 letters, digits, '.', '_' or '-' "
                         "(a pseudonymous code like P001, never a name or a path)")
    return patient_id


def validate_notes(notes: str) -> str:
    if notes and len(notes) > NOTES_MAX_CHARS:
        raise ValueError(f"the notes are {len(notes):,} characters long; at most {NOTES_MAX_CHARS:,} are kept")
    return notes


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def _keep_reserve(dirs: list[Path]) -> None:
    from coach.store import reserve

    for d in dirs[:1]:
        try:
            reserve.ensure(fallback.private_dir(d))
        except OSError as e:
            log.warning("no space kept in reserve for the session journal in %s: %s", d, e)
