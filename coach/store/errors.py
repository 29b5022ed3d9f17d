"""Errors the store raises: each says what went wrong and what the user can do."""
from __future__ import annotations

import functools
from contextlib import contextmanager



def _driver_error() -> type[BaseException]:
    """SQLAlchemy's error class, imported when an error is being matched (an ``except`` clause's
    type is evaluated only then): a process that never opens the store never loads SQLAlchemy."""
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError


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


def masked(url: str) -> str:
    """A database URL fit to show: its password hidden."""
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


def in_words(e: BaseException, action: str, where: str = "", error: type[StoreError] = StoreError) -> StoreError:
    """The one translation of a database driver's error into words for the user:
    "Could not {action}[ in {where}]: {the driver's message}", as ``error``."""
    return error(f"Could not {action}{f' in {where}' if where else ''}: {driver_message(e)}")


@contextmanager
def translated(action: str, where: str = "", *, error: type[StoreError] = StoreError):
    """Inside the block a driver error becomes ``in_words(...)``."""
    try:
        yield
    except _driver_error() as e:
        raise in_words(e, action, where, error) from e


def translated_method(action: str, *, error: type[StoreError] = StoreError):
    """``translated`` around a ``Store`` method, naming the store's database (``self.url``, masked)."""
    def wrap(method):
        @functools.wraps(method)
        def inner(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except _driver_error() as e:
                raise in_words(e, action, masked(self.url), error) from e
        return inner
    return wrap
