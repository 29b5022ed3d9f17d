"""The share bundle's part for the patient's week: diary entries, clips for the physio (note,
landmark track, video with consent) and events added to sessions (``session_events``).

Members: ``diary.json``; per clip ``clips/<uuid>.json``, ``clips/<uuid>.npz`` (landmarks) and
``clips/<uuid>.mp4|webm`` (video, only when the patient agreed to video). Each clip's JSON carries
the SHA-256 of its track and video, checked on import along with everything a clip must be (its
patient, a 30-s limit, a landmark archive, a video that starts like an MP4/WebM file): a damaged or
altered clip stops the import with a message, nothing half-added. Import adds what is new: a clip
by uuid, a diary day that is not here or was edited later than the copy here.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from coach.pose.frame import PoseSeries

from coach.store import bundle_schema, diary, poses
from coach.store import clips as clip_rows
from coach.store.bundle_zip import decode_track
from coach.store.diary import DiaryEntry
from coach.store.text import clean

_CLIP_JSON = re.compile(r"clips/([0-9a-f-]{36})\.json")
MAX_FPS = 240  # frames a second a clip's track may hold
VIDEO_MAGIC = {".mp4": (4, b"ftyp"), ".webm": (0, b"\x1a\x45\xdf\xa3")}  # offset, bytes


def write(z: zipfile.ZipFile, store, patient_id: str, with_video: bool, only_clips=None) -> dict:
    """Add the diary and clips (``only_clips``: these uuids) to an open bundle; return counts for the manifest."""
    entries = store.diary_entries(patient_id)
    z.writestr("diary.json", json.dumps([e.to_dict() for e in entries]))
    n_video = 0
    found = [c for c in store.clips(patient_id) if only_clips is None or c.uuid in set(only_clips)]
    for clip in found:
        track = poses.encode_series(store.clip_track(clip.id))
        z.writestr(f"clips/{clip.uuid}.npz", track)
        meta = {**clip.to_dict(), "track_sha256": _sha(track), "video_file": None, "video_sha256": None}
        video = Path(clip.video_path) if clip.video_path else None
        if with_video and video is not None and video.is_file():
            data = video.read_bytes()
            meta["video_file"] = f"clips/{clip.uuid}{video.suffix}"
            meta["video_sha256"] = _sha(data)
            z.writestr(meta["video_file"], data, zipfile.ZIP_STORED)
            n_video += 1
        z.writestr(f"clips/{clip.uuid}.json", json.dumps(meta))
    return {"diary_days": len(entries), "clips": len(found), "clip_videos": n_video}


def session_events_json(store, session_id: int) -> list[dict]:
    return [{"t_s": e.t_s, "kind": e.kind, "detail": e.detail, "created_at": e.created_at.isoformat()}
            for e in store.session_events(session_id)]


def import_session_events(conn, session_id: int, events: list[dict]) -> int:
    """Add the bundle's events of a session that are not here yet (same time, kind and detail)."""
    from coach.store import session_events

    have = {(round(e.t_s, 3), e.kind, e.detail) for e in session_events.for_session(conn, session_id)}
    added = 0
    for e in events:
        key = (round(float(e["t_s"]), 3), e["kind"], clean(e.get("detail")))
        if key in have:
            continue
        session_events.add(conn, session_id, float(e["t_s"]), e["kind"], key[2],
                           datetime.fromisoformat(e["created_at"]) if e.get("created_at") else None)
        have.add(key)
        added += 1
    return added


@dataclass(frozen=True)
class Checked:
    """The bundle's diary and clips, every one checked, ready to add."""

    days: list[DiaryEntry]
    clips: list[tuple[dict, PoseSeries, str | None]]  # (clip JSON, track, video member or None)


def check(bz, patient_id: str, path: Path, target_id: str | None = None) -> Checked:
    """Read and check the diary and every clip before anything from the bundle is added; the
    entries are given to ``target_id`` (default: the bundle's own patient)."""
    target_id = target_id or patient_id
    names = set(bz.names())
    days = _diary(bz, patient_id, path, target_id) if "diary.json" in names else []
    return Checked(days, [_checked_clip(bz, names, m.group(1), patient_id, path) for n in sorted(names)
                          if (m := _CLIP_JSON.fullmatch(n))])


def add(conn, store, bz, patient_id: str, checked: Checked, consent: bool, written: list[Path]) -> dict:
    """Add what is new inside the caller's transaction: returns counts (diary days, clips, clip
    videos added). Video files written are listed in ``written`` (removed if the import fails)."""
    added = {"diary_days": 0, "clips": 0, "clip_videos": 0}
    here = {e.day: e for e in diary.load(conn, patient_id)}
    for e in checked.days:
        mine = here.get(e.day)
        if mine is None or (e.updated_at and mine.updated_at and e.updated_at > mine.updated_at):
            diary.save(conn, e, now=e.updated_at)
            added["diary_days"] += 1
    for meta, track, video in checked.clips:
        if clip_rows.load(conn, uuid=meta["uuid"]):
            continue
        rel = None
        if video is not None and consent:
            rel = clip_rows.relative_video_path(patient_id, meta["uuid"], Path(video).suffix)
            target = store.media_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            written.append(target)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                bz.copy_to(video, out)
        clip_rows.insert(conn, uuid=meta["uuid"], patient_id=patient_id, note=meta["note"],
                         duration_s=float(meta["duration_s"]), track=track, video_path=rel,
                         recorded_at=meta["_recorded_at"], app_version=meta.get("app_version") or "")
        added["clips"] += 1
        added["clip_videos"] += rel is not None
    return added
def _diary(bz, patient_id: str, path: Path, target_id: str) -> list[DiaryEntry]:
    where = f"{path}: the diary"
    rows = bz.json("diary.json")
    bundle_schema.check("diary", rows, where)
    if any(r["patient"] != patient_id for r in rows):
        raise ValueError(f"{path}: the diary holds another patient's entries")
    try:
        entries = [DiaryEntry.from_dict({**r, "patient": target_id, "note": clean(r.get("note"))}) for r in rows]
    except (ValueError, TypeError) as e:
        raise ValueError(f"{where} is unreadable ({e})") from None
    for e in entries:
        try:
            diary.check_day(e.day)
        except ValueError as err:
            raise ValueError(f"{where}: {err}") from None
        if e.updated_at is not None:
            bundle_schema.when(e.updated_at.isoformat(), "saved at", where)
    return entries


def _checked_clip(bz, names: set[str], uuid: str, patient_id: str, path: Path):
    where = f"{path}: clip {uuid}"
    meta = bz.json(f"clips/{uuid}.json")
    bundle_schema.check("clip", meta, where)
    if meta["uuid"] != uuid or meta["patient"] != patient_id:
        raise ValueError(f"{where} does not belong to patient {patient_id}")
    blob = bz.read(f"clips/{uuid}.npz")
    if _sha(blob) != meta["track_sha256"]:
        raise ValueError(f"{where}: its landmark track does not match its checksum (damaged or altered)")
    duration = float(meta["duration_s"])
    meta = {**meta, "note": clip_rows.validate(clean(meta.get("note")), duration),
            "_recorded_at": bundle_schema.when(meta["recorded_at"], "recorded at", where)}
    track = decode_track(blob, where)
    if len(track):
        span = float(track.timestamps_s.max() - track.timestamps_s.min())
        if span > duration + 1.0 or len(track) > MAX_FPS * (duration + 1.0):
            raise ValueError(f"{where}: its landmark track ({len(track)} frames over {span:.1f} s) does not fit "
                             f"the clip's {duration:.1f} s")
    video = None
    if meta.get("video_file"):
        name = meta["video_file"]
        suffix = Path(name).suffix
        if name != f"clips/{uuid}{suffix}" or suffix not in VIDEO_MAGIC or name not in names:
            raise ValueError(f"{where}: its video {name!r} is missing or misnamed")
        check_video_signature(bz, name, where)
        if bz.sha256(name) != meta.get("video_sha256"):
            raise ValueError(f"{where}: its video does not match its checksum (damaged or altered)")
        video = name
    return meta, track, video


def check_video_signature(bz, name: str, where: str) -> None:
    """A video member must start like the file its name says (MP4 ``ftyp`` / WebM EBML): anything
    else (an executable, a page, a zip) renamed to .mp4 is refused before it is written anywhere."""
    suffix = Path(name).suffix
    if suffix not in VIDEO_MAGIC:
        raise ValueError(f"{where}: its video {name!r} is not an .mp4 or .webm file")
    offset, magic = VIDEO_MAGIC[suffix]
    if bz.head(name, 16)[offset:offset + len(magic)] != magic:
        raise ValueError(f"{where}: its video {name!r} is not a {suffix} file")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()

