"""Errors the store raises: each says what went wrong and what the user can do."""
from __future__ import annotations


class StoreError(Exception):
    """Base class for store problems a user should read."""


class SchemaTooNew(StoreError):
    """The database was written by a newer version of the coach."""


class StoreWriteError(StoreError):
    """A write did not reach the database (locked, read-only, disk full).

    ``fallback_path`` names the file that holds the unsaved data instead, when one could be written.
    """

    def __init__(self, message: str, fallback_path: str | None = None):
        super().__init__(message)
        self.fallback_path = fallback_path


class NotFound(StoreError):
    """A patient, session or programme that does not exist."""


def driver_message(e: BaseException) -> str:
    """The database driver's own message without SQLAlchemy's SQL dump, e.g. "database is locked"."""
    orig = getattr(e, "orig", None)
    return str(orig or e).strip().splitlines()[0]
