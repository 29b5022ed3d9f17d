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


def write_private(path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path``, readable by the user alone (0600) also when it
    replaces an existing file, whose mode would otherwise stay (a 0644 report stays 0644): written
    to a private temporary sibling, then renamed over ``path``."""
    import tempfile

    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)  # 0600
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
