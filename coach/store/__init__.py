"""Session records: patients, programmes, sessions, sets, reps, events and landmark tracks.

``Store.open()`` gives the store (SQLite in the user's data directory unless a URL says otherwise);
``store.start_session(...)`` gives a ``SessionRecorder`` that commits every rep as it comes.
"""
from coach.store.errors import NotFound, SchemaTooNew, StoreError, StoreWriteError
from coach.store.recorder import SessionRecorder
from coach.store.records import (
                                 Patient,
                                 RecorderHealth,
                                 SessionRecord,
                                 SessionSummary,
                                 StoredEvent,
                                 StoredSet,
                                 TestResult,
)
from coach.store.store import Store

__all__ = ["NotFound", "Patient", "RecorderHealth", "SchemaTooNew", "SessionRecord", "SessionRecorder",
           "SessionSummary", "Store", "StoreError", "StoreWriteError", "StoredEvent", "StoredSet", "TestResult"]
