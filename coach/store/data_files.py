"""The data folder and the database file: made private (0700 / 0600), refused when another user
owns them or anyone may write to them, read-only when they cannot be written, and a reserve kept
for the session journal."""
from __future__ import annotations

import logging
import os
import shutil
import stat
from pathlib import Path

from coach.store import fallback, reserve
from coach.store.errors import StoreError

log = logging.getLogger(__name__)
MIN_FREE_BYTES = 1024 * 1024  # below this SQLite cannot open a database for writing


def prepare_sqlite_file(db_file: Path) -> str:
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
    make_private(db_file)
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


def make_private(db_file: Path) -> None:
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


def close_tree(folder: Path) -> None:
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


def keep_reserve(dirs: list[Path]) -> None:
    for d in dirs[:1]:
        try:
            reserve.ensure(fallback.private_dir(d))
        except OSError as e:
            log.warning("no space kept in reserve for the session journal in %s: %s", d, e)

