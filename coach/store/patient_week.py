"""``Store`` methods for what happens around the sessions: events added to a session by its id,
the patient's diary and the clips recorded for the physio. A mixin of ``Store``, as are the methods
of each other job; the rows and dataclasses live in ``session_events``, ``diary`` and ``clips``.
"""
from __future__ import annotations

import os
import uuid as uuidlib
from datetime import date, datetime, timezone
from pathlib import Path

from coach.pose.frame import PoseSeries
from coach.store import clips as clip_rows
from coach.store import diary, session_events
from coach.store.clips import Clip
from coach.store.diary import DiaryEntry
from coach.store.errors import NotFound, StoreError, StoreWriteError, translated
from coach.store.session_events import SessionEvent
from coach.store.versions import app_version

ALERT_KINDS = ("balance_loss", "fall_like", "pain")  # session events that coach.sync.alerts reads


def _with_alerts(conn, patient_id: str, result):
    """``result``, after refreshing the patient's stored alerts in the same transaction."""
    from coach.sync.alerts import refresh

    refresh(conn, patient_id)
    return result


class PatientWeekMixin:
    """Needs ``engine``, ``media_dir``, ``patient()`` and ``_require_writable()`` from ``Store``."""

    # --- session events -----------------------------------------------------------------------

    def add_session_event(self, session_id: int, t_s: float, kind: str, detail: str = "") -> SessionEvent:
        """Record an event at ``t_s`` seconds into a stored session (e.g. "balance_loss", "step")."""
        self._require_writable("record the event")

        def work(conn):
            added = session_events.add(conn, session_id, t_s, kind, detail)
            if kind in ALERT_KINDS:  # a loss of balance, an "Any pain?" answer: the patient's alerts, same transaction
                from coach.sync.alerts import refresh_session_patient

                refresh_session_patient(conn, session_id)
            return added

        return self._write("record the event", work)

    def session_events(self, session_id: int) -> list[SessionEvent]:
        return self._read("read the session's events", lambda conn: session_events.for_session(conn, session_id))

    def sessions_events(self, session_ids: list[int]) -> dict[int, list[SessionEvent]]:
        """session id -> its events, for many sessions in one read (a report's year)."""
        return self._read("read the sessions' events", lambda conn: session_events.for_sessions(conn, session_ids))

    # --- diary --------------------------------------------------------------------------------

    def save_diary_entry(self, entry: DiaryEntry) -> DiaryEntry:
        """Store the day's entry; an earlier entry for the same patient and day is replaced (and kept in
        its history)."""
        self._require_writable("save the diary")
        self.patient(entry.patient_id)
        return self._write("save the diary", lambda conn: _with_alerts(conn, entry.patient_id, diary.save(conn, entry)))

    def diary_entries(self, patient_id: str, since: date | None = None, until: date | None = None) -> list[DiaryEntry]:
        return self._read("read the diary", lambda conn: diary.load(conn, patient_id, since, until))

    def diary_history(self, patient_id: str, day: date | None = None) -> list[DiaryEntry]:
        """What the day (every day when None) said before each save that replaced it, oldest first."""
        return self._read("read the diary", lambda conn: diary.history(conn, patient_id, day))

    def diary_entry(self, patient_id: str, day: date) -> DiaryEntry | None:
        found = self.diary_entries(patient_id, day, day)
        return found[0] if found else None

    def remove_diary_entry(self, patient_id: str, day: date) -> bool:
        self._require_writable("remove the diary entry")
        return self._write("remove the diary entry",
                           lambda conn: _with_alerts(conn, patient_id, diary.remove(conn, patient_id, day)))

    # --- clips for the physio -----------------------------------------------------------------

    def clip_video_target(self, patient_id: str, clip_uuid: str, suffix: str = ".mp4") -> tuple[Path, str] | None:
        """Where a clip's video may be written (absolute, relative to the media dir), or None without
        the patient's consent to video (then only the landmark track may be kept)."""
        if not self.patient(patient_id).video_opt_in:
            return None
        rel = clip_rows.relative_video_path(patient_id, clip_uuid, suffix)
        target = self.media_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        return target, rel

    def save_clip(self, patient_id: str, *, note: str, duration_s: float, track: PoseSeries,
                  video_rel: str | None = None, recorded_at: datetime | None = None,
                  clip_uuid: str | None = None) -> Clip:
        """Store a recorded clip with its landmark track. ``video_rel`` (from ``clip_video_target``)
        only with consent: a video given for a patient without it is deleted, never kept."""
        self._require_writable("save the clip")
        patient = self.patient(patient_id)
        if video_rel is not None and not patient.video_opt_in:
            (self.media_dir / video_rel).unlink(missing_ok=True)
            video_rel = None
        if video_rel is not None and not (self.media_dir / video_rel).is_file():
            raise StoreError(f"the clip's video {video_rel} was not written")
        clip_uuid = clip_uuid or str(uuidlib.uuid4())
        clip_id = self._write("save the clip", lambda conn: clip_rows.insert(
            conn, uuid=clip_uuid, patient_id=patient_id, recorded_at=recorded_at or datetime.now(timezone.utc),
            duration_s=duration_s, note=note, video_path=video_rel, track=track, app_version=app_version()))
        if video_rel is not None:
            os.chmod(self.media_dir / video_rel, 0o600)
        return self.clip(clip_id)

    def clips(self, patient_id: str) -> list[Clip]:
        """The patient's clips, newest first; ``video_path`` absolute (or None)."""
        found = self._read("list the clips", lambda conn: clip_rows.load(conn, patient_id))
        return [clip_rows.with_absolute_video(c, self.media_dir) for c in found]

    def clip(self, clip_id: int) -> Clip:
        found = self._read("read the clip", lambda conn: clip_rows.load(conn, clip_id=clip_id))
        if not found:
            raise NotFound(f"No clip {clip_id}")
        return clip_rows.with_absolute_video(found[0], self.media_dir)

    def clip_track(self, clip_id: int) -> PoseSeries:
        track = self._read("read the clip's landmarks", lambda conn: clip_rows.track(conn, clip_id))
        if track is None:
            raise NotFound(f"No clip {clip_id}")
        return track

    def discard_clip(self, clip_id: int) -> None:
        """Delete a clip with its video (the patient changed their mind)."""
        self._require_writable("delete the clip")
        clip = self.clip(clip_id)
        self._write("delete the clip", lambda conn: clip_rows.remove(conn, clip_id))
        if clip.video_path:
            Path(clip.video_path).unlink(missing_ok=True)

    # --- helpers ------------------------------------------------------------------------------

    def _write(self, action: str, work):
        with translated(action, error=StoreWriteError), self.engine.begin() as conn:
            return work(conn)

    def _read(self, action: str, work):
        with translated(action), self.engine.connect() as conn:
            return work(conn)
