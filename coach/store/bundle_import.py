"""Importing a share bundle into the physio's record: all or nothing.

``import_bundle(store, path, as_patient=None)`` first reads and checks the whole file (every
member against its schema in ``bundle_schema``, read with the caps of ``bundle_zip``, landmark
tracks decoded, clip checksums and lengths, times plausible), then writes it in one transaction:
a file with one bad member leaves the record exactly as it was. Video files written during the
transaction are removed again if it fails.

Two rules keep the physio's record the physio's:

- **Who.** A file whose patient code is already here for another person (age more than a year
  apart, or another sex, condition or affected side) is refused, naming the differences; the
  physio may import it under a new code (``as_patient``, ``coach share import --as-patient``).
- **The programme.** Programme versions are written on the physio's side. A file's programme is
  taken only when this record has none for the patient yet (the first file from a home set-up);
  otherwise the patient's copy is left out and the report says which versions were not taken.
"""
from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, update

from coach.store import bundle_schema, bundle_week, ops
from coach.store import schema as t
from coach.store.bundle_schema import when
from coach.store.bundle_zip import BundleZip, decode_track
from coach.store.text import clean

_SESSION_PREFIX, _POSES_PREFIX = "sessions/", "poses/"


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
    programmes_not_taken: list[str] = field(default_factory=list)  # "v50 by ..." (the physio's stays current)
    events_added: int = 0  # session_events (e.g. balance losses)
    diary_days_added: int = 0
    clips_added: int = 0
    clip_videos_added: int = 0
    imported_from: str = ""  # the file's own patient code when imported under another (as_patient)

    def describe(self) -> str:
        text = (f"patient {self.patient_id}{' (new)' if self.patient_created else ''}"
                f"{f' (the file says {self.imported_from})' if self.imported_from else ''}: "
                f"{len(self.sessions_added)} session(s) added, {len(self.sessions_skipped)} already here, "
                f"{self.tests_added} test score(s), {self.videos_added} video(s), "
                f"{self.programmes_added} programme version(s), {self.diary_days_added} diary day(s), "
                f"{self.clips_added} clip(s) for the physio ({self.clip_videos_added} with video)")
        if self.programmes_not_taken:
            text += (f"; the patient's copy of the programme ({', '.join(self.programmes_not_taken)}) was not "
                     f"taken: the programme written here stays current")
        return text


@dataclass
class _Session:
    data: dict
    ops: list
    times: dict  # column -> datetime
    poses: list[tuple[int, int, str]]  # (set_no, seq, member)
    video: str | None


@dataclass
class _Plan:
    source_id: str
    target_id: str
    patient: dict
    programmes: list[dict]
    sessions: list[_Session]
    week: bundle_week.Checked


def import_bundle(store, path, as_patient: str | None = None) -> ImportReport:
    """Add the bundle's patient, programme (when none is here), sessions, diary and clips that are
    not here yet, in one transaction; ``as_patient``: under this code instead of the file's."""
    path = Path(path)
    if store.read_only_reason:
        store._require_writable("import the bundle")
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        raise ValueError(f"{path} is not a share bundle ({e})") from None
    written: list[Path] = []
    try:
        with z:
            bz = BundleZip(z, path)
            return _write(store, bz, _read(bz, path, as_patient), path, written)
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:  # a member that fails its CRC or will not inflate
        _remove(written)
        raise ValueError(f"{path} is damaged ({e}); ask for the file again") from None
    except BaseException:
        _remove(written)
        raise


# --- reading and checking (nothing written) ---------------------------------------------------

def _read(bz: BundleZip, path: Path, as_patient: str | None) -> _Plan:
    from coach.store.ids import validate_patient_id

    manifest = bz.json("manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != bundle_schema.FORMAT:
        found = manifest.get("format") if isinstance(manifest, dict) else None
        raise ValueError(f"{path} is not a share bundle of this coach (format {str(found)[:60]!r})")
    bundle_schema.check("manifest", manifest, f"{path}: manifest.json")
    patient = bz.json("patient.json")
    bundle_schema.check("patient", patient, f"{path}: patient.json")
    source_id = validate_patient_id(patient["id"])
    if manifest["patient"] != source_id:
        raise ValueError(f"{path}: the manifest is for {manifest['patient']!r}, the patient file for {source_id!r}")
    target_id = validate_patient_id(as_patient) if as_patient else source_id
    names = bz.names()
    sessions = [_session(bz, n, names, source_id, target_id, path) for n in names
                if n.startswith(_SESSION_PREFIX)]
    return _Plan(source_id, target_id, patient, _programmes(bz, source_id, target_id, path), sessions,
                 bundle_week.check(bz, source_id, path, target_id))


def _programmes(bz: BundleZip, source_id: str, target_id: str, path: Path) -> list[dict]:
    from coach.programme.model import from_dict

    rows = bz.json("programmes.json")
    bundle_schema.check("programmes", rows, f"{path}: programmes.json")
    out = []
    for r in rows:
        where = f"{path}: programme version {r['version']}"
        if r.get("patient_id", source_id) != source_id:
            raise ValueError(f"{where} is another patient's")
        body = {**r["body"], "patient": target_id} if r["body"].get("patient") == source_id else r["body"]
        from_dict(body, patient_id=target_id, source=where)  # ProgrammeError (a ValueError) names every problem
        out.append({**r, "body": body, "author": clean(r.get("author")), "note": clean(r.get("note")),
                    "created_at": when(r["created_at"], "created at", where), "patient_id": target_id})
    return out


def _session(bz: BundleZip, name: str, names: list[str], source_id: str, target_id: str, path: Path) -> _Session:
    from coach.store.records import TestResult
    from coach.store.repcodec import rep_from_json

    where = f"{path}: {name}"
    data = bz.json(name)
    bundle_schema.check_session(data, where)
    uuid = data["uuid"]
    if name != f"{_SESSION_PREFIX}{uuid}.json" or data["patient_id"] != source_id:
        raise ValueError(f"{where} does not belong to patient {source_id}")
    times = {k: when(data.get(k), k.replace("_", " "), where)
             for k in ("started_at", "ended_at", "last_write_at", "excluded_at")}
    out = [ops.SessionStart(uuid, target_id, data["exercise"], data["source"], times["started_at"],
                            data.get("host") or "", None, data["schema_version"], data["app_version"],
                            data["algorithm_version"], data["settings"] or {}, data["programme_version"])]
    for st in data["sets"]:
        started = when(st["started_at"], "set start", where)
        out.append(ops.SetStart(st["set_no"], st["target_reps"], st["side"], started))
        out += [ops.RepAdded(st["set_no"], i, rep_from_json({**r, "faults": [{**f, "detail": clean(f["detail"])}
                                                                               for f in r["faults"]]}))
                for i, r in enumerate(st["reps"], start=1)]
        if st["ended_at"]:
            out.append(ops.SetEnd(st["set_no"], when(st["ended_at"], "set end", where)))
    out += [ops.EventAdded(i, e["kind"], float(e["time_s"]), clean(e["detail"]))
            for i, e in enumerate(data["events"], start=1)]
    out += [ops.TestAdded(i, TestResult.from_dict({**tr, "interpretation": clean(tr.get("interpretation")),
                                                   "cannot_score": clean(tr.get("cannot_score"))}))
            for i, tr in enumerate(data["tests"], start=1)]
    for e in data.get("session_events") or []:
        e["detail"] = clean(e.get("detail"))
        when(e.get("created_at"), "event time", where)
    set_nos = {st["set_no"] for st in data["sets"]}
    poses = []
    for n in names:
        parts = n[len(_POSES_PREFIX):-len(".npz")].split("/") if n.startswith(_POSES_PREFIX) else []
        if len(parts) == 2 and parts[0] == uuid:
            set_no, seq = (int(v) for v in parts[1].split("-"))
            if set_no not in set_nos:
                raise ValueError(f"{where}: landmarks {n} are for set {set_no}, which the session does not have")
            decode_track(bz.read(n), f"{path}: {n}")  # checked now, read again when written
            poses.append((set_no, seq, n))
    video = next((n for n in names if n.startswith(f"videos/{uuid}.")), None)  # name and size checked
    if video:
        bundle_week.check_video_signature(bz, video, where)
    data["notes"] = clean(data.get("notes"))
    data["excluded_reason"] = clean(data.get("excluded_reason"))
    return _Session(data, out, times, sorted(poses), video)


# --- writing, in one transaction ------------------------------------------------------------

def _write(store, bz: BundleZip, plan: _Plan, path: Path, written: list[Path]) -> ImportReport:
    from coach.sync.alerts import refresh

    report = ImportReport(plan.target_id, imported_from=plan.source_id if plan.target_id != plan.source_id else "")
    now = datetime.now(timezone.utc)
    p = plan.patient
    with store.engine.begin() as conn:
        here = conn.execute(select(t.patients).where(t.patients.c.id == plan.target_id)).mappings().first()
        if here is not None:
            _same_person(here, p, plan.target_id, path)
        else:
            conn.execute(t.patients.insert().values(
                id=plan.target_id, age=p.get("age"), sex=p.get("sex") or "", condition=clean(p.get("condition")),
                affected_side=p.get("affected_side") or "", notes=clean(p.get("notes")),
                video_opt_in=bool(p.get("video_opt_in")), created_at=now))
            report.patient_created = True
        consent = bool(p.get("video_opt_in")) and (here is None or bool(here["video_opt_in"]))
        _programmes_in(conn, plan, report)
        for s in plan.sessions:
            _session_in(conn, store, bz, s, plan, consent, report, written, now)
        added = bundle_week.add(conn, store, bz, plan.target_id, plan.week, consent, written)
        refresh(conn, plan.target_id)  # the patient's stored alerts, once for the whole file
    report.diary_days_added, report.clips_added = added["diary_days"], added["clips"]
    report.clip_videos_added = added["clip_videos"]
    return report


def _same_person(here, incoming: dict, code: str, path: Path) -> None:
    differences = []
    if here["age"] is not None and incoming.get("age") is not None and abs(here["age"] - incoming["age"]) > 1:
        differences.append(f"age {here['age']} here, {incoming['age']} in the file")
    for key in ("sex", "condition", "affected_side"):
        mine, theirs = (here[key] or "").strip(), (incoming.get(key) or "").strip()
        if mine and theirs and mine.casefold() != theirs.casefold():
            differences.append(f"{key.replace('_', ' ')} {mine} here, {theirs} in the file")
    if differences:
        raise ValueError(f"{path}: patient {code} here is not the person in this file ({'; '.join(differences)}). "
                         f"Nothing was imported; if the file is someone else's, import it under a new code "
                         f"(--as-patient NEW-CODE)")


def _programmes_in(conn, plan: _Plan, report: ImportReport) -> None:
    rows = conn.execute(select(t.programmes.c.version, t.programmes.c.body)
                        .where(t.programmes.c.patient_id == plan.target_id)).all()
    if rows:  # the physio's programme is the record: the patient's copy is never made current
        mine = {v: body for v, body in rows}
        report.programmes_not_taken = [f"v{r['version']} by {r['author'] or 'unknown'}" for r in plan.programmes
                                       if mine.get(r["version"]) != r["body"]]
        return
    for r in sorted(plan.programmes, key=lambda r: r["version"]):
        conn.execute(t.programmes.insert().values(patient_id=plan.target_id, version=r["version"],
                                                  created_at=r["created_at"], author=r["author"], note=r["note"],
                                                  body=r["body"]))
        report.programmes_added += 1


def _session_in(conn, store, bz: BundleZip, s: _Session, plan: _Plan, consent: bool, report: ImportReport,
                written: list[Path], now: datetime) -> None:
    data, uuid = s.data, s.data["uuid"]
    found = conn.execute(select(t.sessions.c.id, t.sessions.c.patient_id).where(t.sessions.c.uuid == uuid)).first()
    if found is not None:
        if found.patient_id != plan.target_id:
            raise ValueError(f"session {uuid} is already in this record for patient {found.patient_id}, "
                             f"not {plan.target_id}: nothing was imported")
        report.sessions_skipped.append(uuid)
        report.session_ids[data["id"]] = found.id
        report.events_added += bundle_week.import_session_events(conn, found.id, data.get("session_events") or [])
        return
    poses = []
    for set_no, seq, name in s.poses:
        blob = bz.read(name)
        ts = decode_track(blob, name).timestamps_s
        poses.append(ops.PosesAdded(set_no, seq, float(ts[0]) if len(ts) else 0.0,
                                    float(ts[-1]) if len(ts) else 0.0, len(ts), blob))
    new_id = ops.apply(conn, uuid, s.ops + poses, now, alerts=False)  # refreshed once, after every session
    conn.execute(update(t.sessions).where(t.sessions.c.id == new_id).values(
        status=data["status"], ended_at=s.times["ended_at"], last_write_at=s.times["last_write_at"] or now,
        notes=data["notes"], excluded=bool(data.get("excluded")), excluded_by=clean(data.get("excluded_by")),
        excluded_reason=data["excluded_reason"], excluded_at=s.times["excluded_at"], pid=None))
    report.events_added += bundle_week.import_session_events(conn, new_id, data.get("session_events") or [])
    report.sessions_added.append(uuid)
    report.session_ids[data["id"]] = new_id
    report.tests_added += len(data["tests"])
    if s.video and consent:
        rel = f"videos/{plan.target_id}/session-{uuid}{Path(s.video).suffix}"
        target = store.media_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        written.append(target)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            bz.copy_to(s.video, out)
        conn.execute(update(t.sessions).where(t.sessions.c.id == new_id).values(video_path=rel))
        report.videos_added += 1


def _remove(paths: list[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)
