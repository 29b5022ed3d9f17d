"""Share bundle: one file carrying a patient's record from a home laptop to the physio's coach.

``export_bundle(store, patient_id, path, include_video=False)`` writes a zip (0600, written to a
temporary name and renamed) with the patient, the programme history, every session (sets, reps
with metrics and faults, events, test scores, exclusion marks) and its landmark track; videos only
when asked for *and* the patient agreed to video recording; the diary, the clips recorded for the
physio (their video whenever the patient agreed) and events added to sessions (``bundle_week``).
``import_bundle(store, path)`` adds what is new: sessions keep their uuid (the key across databases;
the integer id is each database's own, so the report maps old to new), and a session already present
is never added twice.
"""
from __future__ import annotations

import json
import os
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, update

from coach.store import bundle_week, ops, queries
from coach.store import schema as t
from coach.store.repcodec import rep_from_json, rep_to_json
from coach.store.versions import app_version

FORMAT = "rehab-coach-bundle/1"
MAX_MEMBER_BYTES = 2 * 1024 ** 3  # a bundle member bigger than this is refused (zip bomb)
_SESSION_FILE = re.compile(r"sessions/([0-9a-f-]{36})\.json")
_POSES_FILE = re.compile(r"poses/([0-9a-f-]{36})/(\d+)-(\d+)\.npz")
_VIDEO_FILE = re.compile(r"videos/([0-9a-f-]{36})\.(mp4|webm)")


@dataclass
class ImportReport:
    patient_id: str
    patient_created: bool = False
    sessions_added: list[str] = field(default_factory=list)  # uuids
    sessions_skipped: list[str] = field(default_factory=list)  # already there
    session_ids: dict[int, int] = field(default_factory=dict)  # id in the bundle -> id here
    tests_added: int = 0
    videos_added: int = 0
    programmes_added: int = 0
    events_added: int = 0  # session_events (e.g. balance losses)
    diary_days_added: int = 0
    clips_added: int = 0
    clip_videos_added: int = 0

    def describe(self) -> str:
        return (f"patient {self.patient_id}{' (new)' if self.patient_created else ''}: "
                f"{len(self.sessions_added)} session(s) added, {len(self.sessions_skipped)} already here, "
                f"{self.tests_added} test score(s), {self.videos_added} video(s), "
                f"{self.programmes_added} programme version(s), {self.diary_days_added} diary day(s), "
                f"{self.clips_added} clip(s) for the physio ({self.clip_videos_added} with video)")


def export_bundle(store, patient_id: str, path, include_video: bool = False) -> Path:
    """Write the patient's bundle to ``path``; return it. Videos only with ``include_video`` and the
    patient's recorded consent (``video_opt_in``)."""
    path = Path(path)
    patient = store.patient(patient_id)
    with_video = include_video and patient.video_opt_in
    with store.engine.connect() as conn:
        summaries = queries.session_summaries(conn, patient_id)
        records = [queries.load_session(conn, s.id) for s in summaries]
        rows = {r.id: r for r in conn.execute(select(t.sessions).where(t.sessions.c.patient_id == patient_id))}
        chunks = conn.execute(select(t.sets.c.session_id, t.sets.c.set_no, t.pose_chunks)
                              .join(t.sets, t.sets.c.id == t.pose_chunks.c.set_id)
                              .join(t.sessions, t.sessions.c.id == t.sets.c.session_id)
                              .where(t.sessions.c.patient_id == patient_id)).mappings().all()
        programme_rows = conn.execute(select(t.programmes).where(t.programmes.c.patient_id == patient_id)
                                      .order_by(t.programmes.c.version)).mappings().all()
    uuid_of = {s.id: s.uuid for s in summaries}
    added_events = {s.id: bundle_week.session_events_json(store, s.id) for s in summaries}
    manifest = {"format": FORMAT, "created_at": _iso(datetime.now(timezone.utc)), "app_version": app_version(),
                "patient": patient_id, "sessions": len(records), "video": with_video,
                "video_note": "" if with_video else ("not asked for" if not include_video
                                                     else "the patient has not agreed to video recording")}
    tmp = path.with_name(f".{path.name}.tmp")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("patient.json", json.dumps({k: _plain(v) for k, v in vars(patient).items()}))
            z.writestr("programmes.json", json.dumps([{k: _plain(v) for k, v in r.items() if k != "id"}
                                                       for r in programme_rows]))
            for record in records:
                z.writestr(f"sessions/{record.summary.uuid}.json", json.dumps(
                    {**_session_json(record, rows[record.summary.id]), "session_events": added_events[record.summary.id]}))
                video = store.media_dir / record.video_path if record.video_path else None
                if with_video and video is not None and video.is_file():
                    suffix = video.suffix.lstrip(".") or "mp4"
                    z.write(video, f"videos/{record.summary.uuid}.{suffix}", zipfile.ZIP_STORED)
            for c in chunks:
                z.writestr(f"poses/{uuid_of[c['session_id']]}/{c['set_no']}-{c['seq']}.npz", bytes(c["data"]))
            # clips were recorded to be sent: their video goes whenever the patient agreed to video
            manifest.update(bundle_week.write(z, store, patient_id, with_video=patient.video_opt_in))
            z.writestr("manifest.json", json.dumps(manifest, indent=1))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def import_bundle(store, path) -> ImportReport:
    """Add the bundle's patient, programme versions and sessions that are not here yet."""
    path = Path(path)
    if store.read_only_reason:
        store._require_writable("import the bundle")
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ValueError(f"{path} is not a share bundle ({e})") from None
    try:
        with z:
            return _import(store, z, path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:  # a member that fails its CRC or will not inflate
        raise ValueError(f"{path} is damaged ({e}); ask for the file again") from None


def _import(store, z: zipfile.ZipFile, path: Path) -> ImportReport:
    manifest = _read_json(z, "manifest.json", path)
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path} is not a share bundle of this coach (format {manifest.get('format')!r})")
    for info in z.infolist():
        if info.file_size > MAX_MEMBER_BYTES or ".." in info.filename or info.filename.startswith("/"):
            raise ValueError(f"{path}: unsafe member {info.filename!r}")
    patient = _read_json(z, "patient.json", path)
    from coach.store.store import validate_patient_id
    report = ImportReport(validate_patient_id(patient["id"]))
    week = bundle_week.check(z, report.patient_id, path)  # diary and clips checked before anything is added
    if not any(p.id == report.patient_id for p in store.patients()):
        store.add_patient(report.patient_id, age=patient.get("age"), sex=patient.get("sex") or "",
                          condition=patient.get("condition") or "", affected_side=patient.get("affected_side") or "",
                          notes=patient.get("notes") or "", video_opt_in=bool(patient.get("video_opt_in")))
        report.patient_created = True
    consent = store.patient(report.patient_id).video_opt_in and bool(patient.get("video_opt_in"))
    names = z.namelist()
    with store.engine.begin() as conn:
        report.programmes_added = _import_programmes(conn, report.patient_id, _read_json(z, "programmes.json", path))
    for name in names:
        m = _SESSION_FILE.fullmatch(name)
        if not m:
            continue
        data = _read_json(z, name, path)
        if data["uuid"] != m.group(1) or data["patient_id"] != report.patient_id:
            raise ValueError(f"{path}: {name} does not belong to patient {report.patient_id}")
        poses = sorted(((int(pm.group(2)), int(pm.group(3)), n) for n in names
                        if (pm := _POSES_FILE.fullmatch(n)) and pm.group(1) == data["uuid"]))
        with store.engine.begin() as conn:
            exists = conn.execute(select(t.sessions.c.id).where(t.sessions.c.uuid == data["uuid"])).scalar()
            if exists is not None:
                report.sessions_skipped.append(data["uuid"])
                report.session_ids[data["id"]] = exists
                report.events_added += bundle_week.import_session_events(conn, exists, data.get("session_events") or [])
                continue
            batch = _session_ops(data, [(s, q, z.read(n)) for s, q, n in poses])
            new_id = ops.apply(conn, data["uuid"], batch, datetime.now(timezone.utc))
            conn.execute(update(t.sessions).where(t.sessions.c.id == new_id).values(
                status=data["status"], ended_at=_dt(data["ended_at"]), last_write_at=_dt(data["last_write_at"]),
                notes=data.get("notes") or "", excluded=bool(data.get("excluded")),
                excluded_by=data.get("excluded_by") or "", excluded_reason=data.get("excluded_reason") or "",
                excluded_at=_dt(data.get("excluded_at")), pid=None))
            report.events_added += bundle_week.import_session_events(conn, new_id, data.get("session_events") or [])
        report.sessions_added.append(data["uuid"])
        report.session_ids[data["id"]] = new_id
        report.tests_added += len(data["tests"])
        video = next((n for n in names if (vm := _VIDEO_FILE.fullmatch(n)) and vm.group(1) == data["uuid"]), None)
        if video and consent:
            rel = f"videos/{report.patient_id}/session-{data['uuid']}{Path(video).suffix}"
            target = store.media_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out, z.open(video) as src:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
            with store.engine.begin() as conn:
                conn.execute(update(t.sessions).where(t.sessions.c.id == new_id).values(video_path=rel))
            report.videos_added += 1
    added = bundle_week.add(store, report.patient_id, week, consent)
    report.diary_days_added, report.clips_added = added["diary_days"], added["clips"]
    report.clip_videos_added = added["clip_videos"]
    return report


def _session_json(record, row) -> dict:
    s = record.summary
    return {"id": s.id, "uuid": s.uuid, "patient_id": s.patient_id, "exercise": s.exercise, "source": s.source,
            "status": s.status, "started_at": _iso(s.started_at), "ended_at": _iso(s.ended_at),
            "last_write_at": _iso(queries.as_utc(row.last_write_at)), "host": row.host,
            "schema_version": record.schema_version, "app_version": record.app_version,
            "algorithm_version": record.algorithm_version, "settings": record.settings,
            "programme_version": record.programme_version, "notes": record.notes,
            "excluded": s.excluded, "excluded_by": s.excluded_by, "excluded_reason": s.excluded_reason,
            "excluded_at": _iso(queries.as_utc(row.excluded_at)),
            "sets": [{"set_no": st.set_no, "target_reps": st.target_reps, "side": st.side,
                      "started_at": _iso(st.started_at), "ended_at": _iso(st.ended_at),
                      "reps": [rep_to_json(r) for r in st.reps]} for st in record.sets],
            "events": [{"kind": e.kind, "time_s": e.time_s, "detail": e.detail} for e in record.events],
            "tests": [ops.test_columns(tr) for tr in record.tests]}


def _session_ops(data: dict, poses: list[tuple[int, int, bytes]]) -> list:
    from coach.store.records import TestResult
    out = [ops.SessionStart(data["uuid"], data["patient_id"], data["exercise"], data["source"],
                            _dt(data["started_at"]), data.get("host") or "", None, data["schema_version"],
                            data["app_version"], data["algorithm_version"], data["settings"] or {},
                            data["programme_version"])]
    for st in data["sets"]:
        out.append(ops.SetStart(st["set_no"], st["target_reps"], st["side"], _dt(st["started_at"])))
        out += [ops.RepAdded(st["set_no"], i, rep_from_json(r)) for i, r in enumerate(st["reps"], start=1)]
        if st["ended_at"]:
            out.append(ops.SetEnd(st["set_no"], _dt(st["ended_at"])))
    for set_no, seq, blob in poses:
        from coach.store.poses import decode_chunk
        chunk = decode_chunk(blob)  # refuses what is not a landmark chunk
        ts = chunk.timestamps_s
        out.append(ops.PosesAdded(set_no, seq, float(ts[0]) if len(ts) else 0.0, float(ts[-1]) if len(ts) else 0.0,
                                  len(ts), blob))
    out += [ops.EventAdded(i, e["kind"], float(e["time_s"]), e.get("detail") or "")
            for i, e in enumerate(data["events"], start=1)]
    out += [ops.TestAdded(i, TestResult.from_dict(tr)) for i, tr in enumerate(data["tests"], start=1)]
    return out


def _import_programmes(conn, patient_id: str, rows: list[dict]) -> int:
    have = set(conn.execute(select(t.programmes.c.version).where(t.programmes.c.patient_id == patient_id)).scalars())
    added = 0
    for r in rows:
        if r["version"] in have:
            continue
        conn.execute(t.programmes.insert().values(patient_id=patient_id, version=r["version"],
                                                  created_at=_dt(r["created_at"]), author=r.get("author") or "",
                                                  note=r.get("note") or "", body=r["body"]))
        added += 1
    return added


def _read_json(z: zipfile.ZipFile, name: str, path: Path):
    try:
        return json.loads(z.read(name))
    except KeyError:
        raise ValueError(f"{path} is not a complete share bundle (no {name})") from None
    except ValueError as e:
        raise ValueError(f"{path}: {name} is unreadable ({e})") from None


def _plain(v):
    return _iso(v) if isinstance(v, datetime) else v


def _iso(v: datetime | None) -> str | None:
    return v.astimezone(timezone.utc).isoformat() if v else None


def _dt(v: str | None) -> datetime | None:
    return datetime.fromisoformat(v) if v else None
