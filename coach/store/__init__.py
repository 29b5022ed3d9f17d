"""Session records: patients, programmes, sessions, sets, reps, events and landmark tracks.

``Store.open()`` gives the store (SQLite in the user's data directory unless a URL says otherwise);
``store.start_session(...)`` gives a ``SessionRecorder`` that commits every rep as it comes.
Around the sessions: events added to a stored session (``add_session_event``), the patient's diary
(``save_diary_entry``, ``diary_entries``; ``weekly_counts`` summarises it) and clips recorded for
the physio (``save_clip``, ``clips``, ``clip_track``).
"""
from coach.store.clips import Clip
from coach.store.diary import DiaryEntry, WeekCounts, weekly_counts
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
from coach.store.session_events import SessionEvent
from coach.store.store import Store

__all__ = ["Clip", "DiaryEntry", "NotFound", "Patient", "RecorderHealth", "SchemaTooNew", "SessionEvent",
           "SessionRecord", "SessionRecorder", "SessionSummary", "Store", "StoreError", "StoreWriteError",
           "StoredEvent", "StoredSet", "TestResult", "WeekCounts", "weekly_counts"]
