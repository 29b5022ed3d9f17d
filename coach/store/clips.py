"""Clips the patient records for the physio: up to 30 s, a note, the landmark track, and the video
only with the patient's consent.

Why keep the landmarks without consent: a skeleton shows the physio the freezing or the tremor
without showing the person or their home, and it is what the coach measures anyway. The video file
lives under the media directory (``videos/<patient>/clip-<uuid>.<ext>``, 0600) like session videos.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from coach.pose.frame import PoseSeries
from coach.store import poses
from coach.store import schema as t

MAX_CLIP_S = 30.0
NOTE_MAX = 2000
VIDEO_SUFFIXES = (".mp4", ".webm")


@dataclass(frozen=True)
class Clip:
    id: int
    uuid: str
    patient_id: str
    recorded_at: datetime  # UTC
    duration_s: float
    note: str
    video_path: str | None  # absolute when read through the store; None: landmarks only
    n_frames: int
    pose_coverage: float  # 0-1, share of frames with a person found
    app_version: str = ""

    @property
    def has_video(self) -> bool:
        return self.video_path is not None

    def to_dict(self) -> dict:
        return {"id": self.id, "uuid": self.uuid, "patient": self.patient_id,
                "recorded_at": self.recorded_at.isoformat(), "duration_s": self.duration_s, "note": self.note,
                "video": self.video_path is not None, "n_frames": self.n_frames,
                "pose_coverage": self.pose_coverage, "app_version": self.app_version}


def validate(note: str, duration_s: float) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValueError(f"the note is {len(note)} characters long; at most {NOTE_MAX} are kept")
    if not 0 < duration_s <= MAX_CLIP_S + 1.0:  # a second of slack for the recorder's own timing
        raise ValueError(f"a clip lasts up to {MAX_CLIP_S:.0f} s, this one {duration_s:.1f} s")
    return note


def relative_video_path(patient_id: str, uuid: str, suffix: str) -> str:
    if suffix not in VIDEO_SUFFIXES:
        raise ValueError(f"a clip's video is one of {VIDEO_SUFFIXES}, not {suffix!r}")
    return f"videos/{patient_id}/clip-{uuid}{suffix}"


def insert(conn: Connection, *, uuid: str, patient_id: str, recorded_at: datetime, duration_s: float, note: str,
           video_path: str | None, track: PoseSeries, app_version: str) -> int:
    found = int((~np.isnan(track.image[:, 0, 0])).sum()) if len(track) else 0
    return conn.execute(t.clips.insert().values(
        uuid=uuid, patient_id=patient_id, recorded_at=recorded_at, duration_s=float(duration_s),
        note=validate(note, duration_s), video_path=video_path, n_frames=len(track),
        pose_coverage=round(found / len(track), 4) if len(track) else 0.0,
        poses=poses.encode_series(track), app_version=app_version)).inserted_primary_key[0]


_COLUMNS = [c for c in t.clips.c if c.name != "poses"]  # the track only when asked for


def load(conn: Connection, patient_id: str | None = None, clip_id: int | None = None,
         uuid: str | None = None) -> list[Clip]:
    """Clips, newest first."""
    q = select(*_COLUMNS).order_by(t.clips.c.recorded_at.desc(), t.clips.c.id.desc())
    if patient_id is not None:
        q = q.where(t.clips.c.patient_id == patient_id)
    if clip_id is not None:
        q = q.where(t.clips.c.id == clip_id)
    if uuid is not None:
        q = q.where(t.clips.c.uuid == uuid)
    from coach.store.queries import as_utc
    return [Clip(r["id"], r["uuid"], r["patient_id"], as_utc(r["recorded_at"]), r["duration_s"], r["note"],
                 r["video_path"], r["n_frames"], r["pose_coverage"], r["app_version"])
            for r in conn.execute(q).mappings()]


def track(conn: Connection, clip_id: int) -> PoseSeries | None:
    blob = conn.execute(select(t.clips.c.poses).where(t.clips.c.id == clip_id)).scalar()
    return poses.decode_chunk(bytes(blob)) if blob else None


def remove(conn: Connection, clip_id: int) -> bool:
    return conn.execute(delete(t.clips).where(t.clips.c.id == clip_id)).rowcount > 0


def with_absolute_video(clip: Clip, media_dir: Path) -> Clip:
    return replace(clip, video_path=str(media_dir / clip.video_path)) if clip.video_path else clip
