"""Withdrawing consent to video: every video of the patient goes, the landmarks stay.

Consent is the condition for keeping a video at all (``patients.video_opt_in``), so withdrawing it
deletes the videos already kept: session videos and clip videos lose their reference in the same
transaction that records the withdrawal, and the files are removed once that is committed (a file
left by a crash in between is unreferenced and is removed by the next withdrawal or ``remove_files``).
The landmark tracks are kept: they show the physio the movement without showing the person.
"""
from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Connection

from coach.store import schema as t

log = logging.getLogger(__name__)


def forget_videos(conn: Connection, patient_id: str) -> tuple[int, int]:
    """Clear the video references of the patient's sessions and clips (inside the caller's
    transaction); (sessions, clips) that had one."""
    sessions = conn.execute(update(t.sessions).where(t.sessions.c.patient_id == patient_id,
                                                     t.sessions.c.video_path.is_not(None))
                            .values(video_path=None)).rowcount
    clips = conn.execute(update(t.clips).where(t.clips.c.patient_id == patient_id, t.clips.c.video_path.is_not(None))
                         .values(video_path=None)).rowcount
    return sessions, clips


def remove_files(media_dir: Path, patient_id: str) -> int:
    """Delete every video file kept for the patient (their folder under ``videos/``); files removed."""
    folder = media_dir / "videos" / patient_id
    if not folder.is_dir() or folder.is_symlink():
        return 0
    removed = 0
    for f in folder.iterdir():
        if f.is_file() or f.is_symlink():
            try:
                f.unlink()
                removed += 1
            except OSError as e:
                log.warning("could not delete %s after video consent was withdrawn: %s", f, e)
    try:
        folder.rmdir()
    except OSError:
        pass
    return removed
