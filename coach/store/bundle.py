"""Share bundle: one file carrying a patient's record from a home laptop to the physio's coach.

``export_bundle(store, patient_id, path, include_video=False)`` writes a zip (0600, written to a
temporary name and renamed) with the patient, the programme history, every session (sets, reps
with metrics and faults, events, test scores, exclusion marks) and its landmark track; videos only
when asked for *and* the patient agreed to video recording; the diary, the clips recorded for the
physio (their video whenever the patient agreed) and events added to sessions (``bundle_week``).
``import_bundle(store, path, as_patient=None)`` (``bundle_import``) checks the whole file, then adds
what is new in one transaction: sessions keep their uuid (the key across databases; the integer id is
each database's own, so the report maps old to new), and a session already present is never added
twice.
"""
from __future__ import annotations

import json
import os
import zipfile
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from coach.store import bundle_week, ops, queries
from coach.store import schema as t
from coach.store.bundle_import import ImportReport, import_bundle
from coach.store.bundle_schema import FORMAT
from coach.store.repcodec import rep_to_json
from coach.store.versions import app_version

__all__ = ["FORMAT", "ImportReport", "export_bundle", "import_bundle"]


def export_bundle(store, patient_id: str, path, include_video: bool = False, *,
                  only_sessions=None, only_clips=None) -> Path:
    """Write the patient's bundle to ``path``; return it. Videos only with ``include_video`` and the
    patient's recorded consent (``video_opt_in``). ``only_sessions`` / ``only_clips``: uuids to carry
    (default: all); the clinic sync sends what is new (``coach.sync.outbox``)."""
    path = Path(path)
    patient = store.patient(patient_id)
    with_video = include_video and patient.video_opt_in
    with store.engine.connect() as conn:
        summaries = queries.session_summaries(conn, patient_id)
        if only_sessions is not None:
            summaries = [s for s in summaries if s.uuid in set(only_sessions)]
        records = [queries.load_session(conn, s.id) for s in summaries]
        rows = {r.id: r for r in conn.execute(select(t.sessions).where(t.sessions.c.patient_id == patient_id))}
        chunks = conn.execute(select(t.sets.c.session_id, t.sets.c.set_no, t.pose_chunks)
                              .join(t.sets, t.sets.c.id == t.pose_chunks.c.set_id)
                              .join(t.sessions, t.sessions.c.id == t.sets.c.session_id)
                              .where(t.sessions.c.patient_id == patient_id)
                              .where(t.sessions.c.id.in_([s.id for s in summaries]))).mappings().all()
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
            manifest.update(bundle_week.write(z, store, patient_id, with_video=patient.video_opt_in,
                                             only_clips=only_clips))
            z.writestr("manifest.json", json.dumps(manifest, indent=1))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


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


def _plain(v):
    return _iso(v) if isinstance(v, datetime) else v


def _iso(v: datetime | None) -> str | None:
    return v.astimezone(timezone.utc).isoformat() if v else None
