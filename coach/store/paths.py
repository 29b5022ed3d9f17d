"""Where the store keeps its files: one per-user data directory, local by default.

``COACH_DATA_DIR`` overrides the platform's user data directory (platformdirs), and
``COACH_DATABASE_URL`` points the same code at another database (a clinic's PostgreSQL).
"""
from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

APP_NAME = "rehab-coach"
DB_FILENAME = "coach.db"


def data_dir() -> Path:
    """The per-user data directory (not created here)."""
    override = os.environ.get("COACH_DATA_DIR")
    return Path(override).expanduser() if override else Path(user_data_dir(APP_NAME, appauthor=False))


def default_url() -> str:
    """``COACH_DATABASE_URL`` if set, else the SQLite file in the data directory."""
    url = os.environ.get("COACH_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / DB_FILENAME}"


def sqlite_file(url: str) -> Path | None:
    """The database file of a plain ``sqlite:///PATH`` URL, or None (memory, URI form, other DB)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix):].split("?", 1)[0]
    if not rest or rest == ":memory:" or rest.startswith("file:"):
        return None
    return Path(rest)


def media_dir(url: str) -> Path:
    """Where videos go: next to a SQLite file, else in the data directory."""
    db_file = sqlite_file(url)
    return (db_file.parent if db_file else data_dir()) / "media"


def fallback_dirs(url: str | None = None) -> list[Path]:
    """Where session journals go: beside a SQLite file, else in the user's private data folder
    (0700). Never a shared place such as /tmp, where another local user could read health data
    or plant a forged session."""
    db_file = sqlite_file(url) if url else None
    return [(db_file.parent if db_file else data_dir()) / "unsaved"]
