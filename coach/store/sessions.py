"""``Store`` methods for sessions: start recording one (a ``SessionRecorder``), where its video goes,
leave it out of trends or discard it, list and read them."""
from __future__ import annotations

import json
import logging
import os
import socket
import threading
import uuid as uuidlib
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import SQLAlchemyError

from coach.pose.frame import PoseSeries
from coach.store import data_files, fallback, ops, queries
from coach.store import schema as t
from coach.store.clock import now
from coach.store.errors import NotFound, StoreWriteError, driver_message, translated, translated_method
from coach.store.recorder import SessionRecorder
from coach.store.records import SessionRecord, SessionSummary
from coach.store.versions import app_version
from exercises import ALGORITHM_VERSION

log = logging.getLogger(__name__)


class SessionsMixin:
    """Needs ``engine``, ``url``, ``media_dir``, ``fallback_dirs``, ``identity``, ``patient()``,
    ``mark_interrupted()`` and ``_require_writable()`` from ``Store``."""

    def start_session(self, patient_id: str, exercise: str, source: str = "", settings: dict | None = None,
                      *, algorithm_version: str = "", programme_version: int | None = None,
                      started_at: datetime | None = None, retry_interval_s: float = 1.0,
                      lazy: bool = True) -> SessionRecorder:
        """Begin recording. Raises ``StoreWriteError`` if the database refuses writes (read-only,
        locked): better said before the patient starts than after. A database that does not answer
        at all does not stop the session: the recorder's journal keeps everything meanwhile.
        With ``lazy`` (the default) the session reaches the database only with its first rep or
        attempt (see ``SessionRecorder``). ``started_at`` (default now) is for analysed videos."""
        self._require_writable("start a session")
        self.patient(patient_id)
        self._probe_writable(patient_id)
        start = ops.SessionStart(
            uuid=str(uuidlib.uuid4()), patient_id=patient_id, exercise=exercise, source=source,
            started_at=started_at or now(), host=socket.gethostname(), pid=os.getpid(),
            schema_version=t.SCHEMA_VERSION,
            app_version=app_version(), algorithm_version=algorithm_version or ALGORITHM_VERSION,
            settings=json.loads(json.dumps(settings or {}, default=str)), programme_version=programme_version)
        writer = fallback.FallbackWriter(self.fallback_dirs, self.identity, start.uuid)
        data_files.keep_reserve(self.fallback_dirs)  # room for the journal if the disk fills during the session
        return SessionRecorder(self.engine, start, writer, retry_interval_s=retry_interval_s, lazy=lazy)

    def _probe_writable(self, patient_id: str, wait_s: float = 3.0) -> None:
        """A write that changes nothing: a locked or read-only database answers with an error at once;
        one that does not answer within ``wait_s`` is left to the recorder's journal."""
        outcome: list[BaseException | None] = []

        def probe() -> None:
            try:
                with self.engine.begin() as conn:
                    conn.execute(update(t.patients).where(t.patients.c.id == patient_id)
                                 .values(id=t.patients.c.id))
                outcome.append(None)
            except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
                outcome.append(e)

        worker = threading.Thread(target=probe, daemon=True, name="store-probe")
        worker.start()
        worker.join(wait_s)
        if not outcome:
            log.warning("the database did not answer within %.0f s: recording to the local journal", wait_s)
            return
        if isinstance(outcome[0], SQLAlchemyError):
            raise StoreWriteError(f"Cannot start a session: Could not save to the database ({driver_message(outcome[0])}).")
        if outcome[0] is not None:
            raise outcome[0]

    def video_path_for(self, session, suffix: str = ".mp4") -> tuple[Path, str] | None:
        """Where to write a session's video, absolute and relative to the media dir; None without
        the patient's opt-in (then no video may be kept). ``session``: a session id, or a
        ``SessionRecorder`` (its session may not be in the database yet)."""
        if isinstance(session, SessionRecorder):
            patient_id, uuid = session.patient_id, session.uuid
        else:
            info = self.load_session(session).summary
            patient_id, uuid = info.patient_id, info.uuid
        if not self.patient(patient_id).video_opt_in:
            return None
        rel = f"videos/{patient_id}/session-{uuid}{suffix}"
        return self.media_dir / rel, rel

    # --- what counts in the record --------------------------------------------------------------

    def exclude_session(self, session_id: int, by: str, reason: str) -> None:
        """Leave a session out of trends and suggestions; it is kept, marked with who and why."""
        if not (by or "").strip() or not (reason or "").strip():
            raise ValueError("say who excludes the session and why")
        self._set_exclusion(session_id, excluded=True, excluded_by=by.strip()[:128],
                            excluded_reason=reason.strip()[:2000], excluded_at=now())

    def include_session(self, session_id: int) -> None:
        """Undo ``exclude_session``."""
        self._set_exclusion(session_id, excluded=False, excluded_by="", excluded_reason="", excluded_at=None)

    def _set_exclusion(self, session_id: int, **values) -> None:
        from coach.sync.alerts import refresh_session_patient

        self._require_writable("change the session")
        with translated(f"change session {session_id}", error=StoreWriteError), self.engine.begin() as conn:
            done = conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(**values))
            refresh_session_patient(conn, session_id)  # the programme's rules leave excluded sessions out
        if done.rowcount == 0:
            raise NotFound(f"No session {session_id}")

    def discard_session(self, session_id: int) -> None:
        """Delete a session the patient made by mistake, with its reps, landmarks and video."""
        from coach.sync.alerts import refresh

        self._require_writable("discard the session")
        record = self.load_session(session_id)
        with translated(f"discard session {session_id}", error=StoreWriteError), self.engine.begin() as conn:
            _delete_session_rows(conn, session_id)
            refresh(conn, record.summary.patient_id)  # its alerts go with it
        if record.video_path:
            Path(record.video_path).unlink(missing_ok=True)

    def mark_stale(self, max_silence_s: float = 60.0) -> list[int]:
        """End as "interrupted" every session still "recording" that has not written (rep, landmarks or
        heartbeat) for ``max_silence_s``: a closed or reloaded browser tab, a dead process."""
        return self.mark_interrupted(stale_after=timedelta(seconds=max_silence_s))

    # --- reading ------------------------------------------------------------------------------

    @translated_method("list sessions")
    def sessions(self, patient_id: str | None = None, since: datetime | None = None,
                 until: datetime | None = None, exercise: str | None = None,
                 last: int | None = None) -> list[SessionSummary]:
        """Oldest first; ``last``: only the newest so many (counted in the database without the rest)."""
        with self.engine.connect() as conn:
            return queries.session_summaries(conn, patient_id, since, until, exercise, last=last)

    @translated_method("list patients' sessions")
    def patient_activity(self, patient_id: str | None = None) -> dict[str, tuple[int, datetime | None]]:
        """patient id -> (sessions, start of the last one); patients without a session are absent. One
        patient's only when ``patient_id`` is given."""
        with self.engine.connect() as conn:
            return queries.patient_activity(conn, patient_id)

    @translated_method("read the session")
    def load_session(self, session_id: int) -> SessionRecord:
        with self.engine.connect() as conn:
            record = queries.load_session(conn, session_id)
        if record is None:
            raise NotFound(f"No session {session_id}")
        if record.video_path:
            record = _with_absolute_video(record, self.media_dir)
        return record

    @translated_method("read the sessions")
    def load_sessions(self, summaries: list[SessionSummary]) -> list[SessionRecord]:
        """``load_session`` for many sessions at once (``sessions()``'s summaries), in their order."""
        with self.engine.connect() as conn:
            records = queries.load_sessions(conn, summaries)
        return [_with_absolute_video(r, self.media_dir) if r.video_path else r for r in records]

    @translated_method("read the landmark track")
    def load_poses(self, session_id: int, set_no: int | None = None) -> PoseSeries:
        """The landmark track of one set, or of the whole session in time order."""
        with self.engine.connect() as conn:
            return queries.load_poses(conn, session_id, set_no)

    @translated_method("read the landmark track")
    def track_start(self, session_id: int) -> float | None:
        """Where the session's landmark track starts (its first timestamp), None without one; nothing
        is decoded (``load_poses`` decodes the whole track)."""
        with self.engine.connect() as conn:
            return queries.track_start(conn, session_id)

    @translated_method("read the sessions")
    def session_settings(self, session_ids: list[int]) -> dict[int, dict]:
        """session id -> its settings, for many sessions in one read (``load_sessions`` reads their reps too)."""
        with self.engine.connect() as conn:
            return queries.session_settings(conn, list(session_ids))


def _delete_session_rows(conn, session_id: int) -> None:
    """Children first: SQLite enforces ON DELETE CASCADE only with foreign_keys on, PostgreSQL always."""
    set_ids = select(t.sets.c.id).where(t.sets.c.session_id == session_id)
    rep_ids = select(t.reps.c.id).where(t.reps.c.set_id.in_(set_ids))
    conn.execute(delete(t.faults).where(t.faults.c.rep_id.in_(rep_ids)))
    conn.execute(delete(t.reps).where(t.reps.c.set_id.in_(set_ids)))
    conn.execute(delete(t.pose_chunks).where(t.pose_chunks.c.set_id.in_(set_ids)))
    conn.execute(delete(t.sets).where(t.sets.c.session_id == session_id))
    conn.execute(delete(t.events).where(t.events.c.session_id == session_id))
    conn.execute(delete(t.session_events).where(t.session_events.c.session_id == session_id))
    conn.execute(delete(t.test_results).where(t.test_results.c.session_id == session_id))
    conn.execute(delete(t.sessions).where(t.sessions.c.id == session_id))


def _with_absolute_video(record: SessionRecord, media_dir: Path) -> SessionRecord:
    return replace(record, video_path=str(media_dir / record.video_path))

