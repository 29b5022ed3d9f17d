"""``Store``: opens the database, upgrades its schema, and gathers the methods of each job.

SQLite by default (one file in the user's data directory), or any SQLAlchemy URL, e.g. a clinic's
``postgresql+psycopg://...``. The methods live by job: patients (``patients``), programmes
(``programmes``), sessions (``sessions``), validated tests (``scores``), crash recovery
(``recovery``), diary, clips and events (``patient_week``); the data folder and file (``data_files``),
the engine (``engine``), ids and notes (``ids``). Queries that build report data live in ``queries``.
"""
from __future__ import annotations

import logging
import sqlite3
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from coach.store import data_files, integrity, paths
from coach.store.engine import check_version_read_only, make_engine
from coach.store.errors import StoreError, StoreWriteError, driver_message, masked
from coach.store.migrations import upgrade
from coach.store.patient_week import PatientWeekMixin
from coach.store.patients import PatientsMixin
from coach.store.programmes import ProgrammesMixin
from coach.store.recovery import RecoveryMixin
from coach.store.scores import ValidatedTestsMixin
from coach.store.sessions import SessionsMixin

log = logging.getLogger(__name__)


class Store(PatientsMixin, ProgrammesMixin, SessionsMixin, ValidatedTestsMixin, RecoveryMixin, PatientWeekMixin):
    """One database. Use ``Store.open()``; close with ``close()`` or a ``with`` block. Its methods, by
    job: ``PatientsMixin``, ``ProgrammesMixin``, ``SessionsMixin``, ``ValidatedTestsMixin``,
    ``RecoveryMixin`` and (diary, clips, events added to a stored session) ``PatientWeekMixin``."""

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
            read_only = data_files.prepare_sqlite_file(db_file)
            if check:
                damaged = integrity.problem(db_file, immutable=bool(read_only))
                if damaged:
                    raise StoreError(f"The database {db_file} is damaged ({damaged}); nothing was written to it. "
                                     f"Way back: {integrity.way_back(db_file)}.")
        engine_url = f"sqlite:///file:{db_file}?mode=ro&immutable=1&uri=true" if read_only else url
        engine = make_engine(engine_url, busy_timeout_s)
        try:
            if read_only:
                check_version_read_only(engine)
            else:
                upgrade(engine)
        except SQLAlchemyError as e:
            engine.dispose()
            raise StoreError(f"Cannot open the database {masked(url)}: {driver_message(e)}") from e
        if db_file is not None and not read_only:
            # SQLite creates files 0644; its WAL and SHM files copy the database's mode
            data_files.make_private(db_file)
            data_files.close_tree(paths.media_dir(url))
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
        return f"sqlite:///{db_file.resolve()}" if db_file else masked(self.url)

    def _require_writable(self, action: str) -> None:
        if self.read_only_reason:
            raise StoreWriteError(f"Cannot {action}: {self.read_only_reason}; the database was opened read-only.")
