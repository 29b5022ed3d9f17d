"""Is the SQLite file sound, and the way back when it is not: quick check, rotating backups, restore.

Backups use SQLite's online backup API (a consistent copy even while another process writes),
into ``backups/`` beside the database (0700 folder, 0600 files), newest ``KEEP`` kept.
PostgreSQL has its own tools (pg_dump, the server's checks): these functions are for SQLite only.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

KEEP = 7
BACKUP_EVERY = timedelta(hours=24)


class DamagedDatabase(Exception):
    """The database file fails its check: nothing may be written to it."""


def backup_dir(db_file: Path) -> Path:
    return db_file.parent / "backups"


def way_back(db_file: Path) -> str:
    backups = list_backups(db_file)
    if backups:
        return (f"restore the newest good backup with `coach db restore` ({len(backups)} in {backup_dir(db_file)}, "
                f"newest {backups[0].name}); the damaged file is kept beside it")
    return (f"no backup exists in {backup_dir(db_file)}: move {db_file.name} away to start an empty database, "
            "and keep it for a data-recovery tool (sqlite3 .recover)")


def problem(db_file: Path, full: bool = False, immutable: bool = False) -> str:
    """"" when the file is sound (or absent), else what is wrong, in words. ``immutable``: the folder
    is read-only, so SQLite must not try to create its shared-memory file."""
    if not db_file.exists():
        return ""
    size = db_file.stat().st_size
    if size == 0:
        return "the file is empty (0 bytes): its data is gone"
    try:
        con = sqlite3.connect(f"file:{db_file}?mode=ro" + ("&immutable=1" if immutable else ""), uri=True, timeout=2.0)
    except sqlite3.Error as e:
        return f"it cannot be opened ({e})"
    try:
        rows = con.execute("PRAGMA integrity_check" if full else "PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as e:
        if "locked" in str(e):
            return ""  # a writer holds it: not damage; the next open checks again
        return f"it is not a readable database ({e})"
    finally:
        con.close()
    messages = [r[0] for r in rows if r and r[0] != "ok"]
    return "" if not messages else "check failed: " + "; ".join(messages[:3])


def list_backups(db_file: Path) -> list[Path]:
    """Newest first."""
    d = backup_dir(db_file)
    return sorted(d.glob(f"{db_file.stem}-*.db"), reverse=True) if d.is_dir() else []


def backup_due(db_file: Path, every: timedelta = BACKUP_EVERY) -> bool:
    backups = list_backups(db_file)
    if not backups:
        return True
    age = datetime.now(timezone.utc).timestamp() - backups[0].stat().st_mtime
    return age >= every.total_seconds()


def make_backup(db_file: Path, keep: int = KEEP) -> Path:
    """A consistent copy via SQLite's online backup; the oldest beyond ``keep`` are removed."""
    d = backup_dir(db_file)
    d.mkdir(mode=0o700, exist_ok=True)
    os.chmod(d, 0o700)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    target = d / f"{db_file.stem}-{stamp}.db"
    tmp = target.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True, timeout=5.0)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    os.replace(tmp, target)
    for old in list_backups(db_file)[keep:]:
        old.unlink(missing_ok=True)
    return target


def restore(db_file: Path, backup: Path | None = None) -> tuple[Path, Path | None]:
    """Put ``backup`` (default: the newest sound one) in place of ``db_file``; the file it replaces is
    kept as ``<name>.damaged-<time>``. Returns (backup used, where the old file went)."""
    candidates = [backup] if backup is not None else list_backups(db_file)
    if not candidates:
        raise FileNotFoundError(f"no backup of {db_file} in {backup_dir(db_file)}")
    chosen = None
    for c in candidates:
        if not c.exists():
            raise FileNotFoundError(f"no backup file {c}")
        if not problem(c, full=True):
            chosen = c
            break
    if chosen is None:
        raise DamagedDatabase(f"the backup {candidates[0]} is damaged too" if backup is not None
                              else f"every backup in {backup_dir(db_file)} is damaged")
    moved = None
    if db_file.exists():
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        moved = db_file.with_name(f"{db_file.name}.damaged-{stamp}")
        os.replace(db_file, moved)
    for suffix in ("-wal", "-shm"):  # journals of the replaced file must not be applied to the backup
        side = db_file.with_name(db_file.name + suffix)
        if side.exists():
            os.replace(side, (moved or db_file).with_name((moved or db_file).name + suffix))
    tmp = db_file.with_suffix(".restoring")
    shutil.copyfile(chosen, tmp)
    os.chmod(tmp, 0o600)
    os.replace(tmp, db_file)
    return chosen, moved
