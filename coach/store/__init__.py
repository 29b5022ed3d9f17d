"""Session records: patients, programmes, sessions, sets, reps, events and landmark tracks.

``Store.open()`` gives the store (SQLite in the user's data directory unless a URL says otherwise);
``store.start_session(...)`` gives a ``SessionRecorder`` that commits every rep as it comes.
Around the sessions: events added to a stored session (``add_session_event``), the patient's diary
(``save_diary_entry``, ``diary_entries``; ``weekly_counts`` summarises it) and clips recorded for
the physio (``save_clip``, ``clips``, ``clip_track``).

The names below load on first use (PEP 562), so a light submodule (``coach.store.repcodec``, used by
file analysis) does not pull SQLAlchemy into a process that never opens the store: half a second
of every ``coach analyze``.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "Clip": "clips", "DiaryEntry": "diary", "WeekCounts": "diary", "weekly_counts": "diary",
    "NotFound": "errors", "SchemaTooNew": "errors", "StoreError": "errors", "StoreWriteError": "errors",
    "SessionRecorder": "recorder", "Patient": "records", "RecorderHealth": "records",
    "SessionRecord": "records", "SessionSummary": "records", "StoredEvent": "records", "StoredSet": "records",
    "TestResult": "records", "SessionEvent": "session_events", "Store": "store",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'coach.store' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"coach.store.{_EXPORTS[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
