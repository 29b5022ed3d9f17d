"""``coach db check`` / ``coach db backup`` / ``coach db restore [BACKUP]``: is the local database
sound, and the way back when it is not (see ``coach.store.integrity``)."""
from __future__ import annotations

import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("db", help="check, back up or restore the local database")
    sub = p.add_subparsers(dest="db_command", metavar="check|backup|restore", required=True)
    for name, helptext, func in (("check", "full integrity check; lists the backups", run_check),
                                 ("backup", "make a backup now (kept with the rotating daily ones)", run_backup),
                                 ("restore", "replace a damaged database with a backup (the newest sound one by "
                                  "default); the damaged file is kept beside it", run_restore)):
        c = sub.add_parser(name, help=helptext)
        c.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")
        if name == "restore":
            c.add_argument("backup", nargs="?", type=Path, default=None)
        c.set_defaults(func=func)


def _db_file(args) -> Path:
    from coach.store import paths

    url = args.db or paths.default_url()
    db_file = paths.sqlite_file(url)
    if db_file is None:
        raise ValueError("coach db works on the local SQLite file; a clinic PostgreSQL server has its own "
                         "checks and backups (pg_dump)")
    return db_file


def run_check(args) -> int:
    from coach.store import integrity

    db_file = _db_file(args)
    if not db_file.exists():
        raise FileNotFoundError(f"no database at {db_file}")
    problem = integrity.problem(db_file, full=True)
    backups = integrity.list_backups(db_file)
    print(f"{db_file}: {'DAMAGED: ' + problem if problem else 'ok'}")
    for b in backups:
        print(f"  backup {b}")
    if not backups:
        print(f"  no backups in {integrity.backup_dir(db_file)}")
    if problem:
        print(f"coach: error: {db_file} is damaged; way back: {integrity.way_back(db_file)}", file=sys.stderr)
        return 1
    return 0


def run_backup(args) -> int:
    from coach.store import integrity

    db_file = _db_file(args)
    problem = integrity.problem(db_file)
    if problem or not db_file.exists():
        raise ValueError(f"{db_file} cannot be backed up: {problem or 'it does not exist'}")
    print(f"backed up {db_file} to {integrity.make_backup(db_file)}")
    return 0


def run_restore(args) -> int:
    from coach.store import integrity

    db_file = _db_file(args)
    try:
        used, moved = integrity.restore(db_file, args.backup)
    except integrity.DamagedDatabase as e:
        raise ValueError(str(e)) from None
    print(f"restored {db_file} from {used}" + (f"; the replaced file is kept as {moved}" if moved else ""))
    return 0
