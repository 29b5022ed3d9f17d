"""The clinic's side of pairing and sync, in the clinic's store.

- ``make_pairing_code(store, patient, by)``: a one-time code for that patient (its hash kept, valid
  ``CODE_TTL``); a new code replaces the patient's unused ones.
- ``redeem(store, code, device_name)``: the laptop's first call; returns the device's token (kept on
  the laptop only) and the patient it is scoped to. A code works once.
- ``device_for(store, token)``: the device a token belongs to, or why it is refused (unknown, revoked).
- ``receive(store, device, body)``: a pushed payload (the share bundle) imported all or nothing,
  for the device's own patient only; every try is recorded in ``sync_deliveries``.
- ``programme_versions(store, patient)``: what the laptop pulls.
"""
from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select, update

from coach.store import schema as t
from coach.store import sync_schema as s
from coach.sync import tokens

CODE_TTL = timedelta(hours=24)


class Refused(Exception):
    """A request the clinic refuses; ``status`` is the HTTP status the API answers with."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Device:
    id: int
    patient_id: str
    name: str
    paired_at: datetime
    paired_by: str
    last_seen_at: datetime | None
    revoked_at: datetime | None
    revoked_by: str

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(v: datetime | None) -> datetime | None:
    if v is None:
        return None
    return v.replace(tzinfo=timezone.utc) if v.tzinfo is None else v.astimezone(timezone.utc)


def make_pairing_code(store, patient_id: str, by: str, now: datetime | None = None) -> str:
    """A new one-time pairing code for ``patient_id`` (the patient's unused codes stop working)."""
    store.patient(patient_id)  # NotFound for an unknown patient
    now = now or _now()
    code = tokens.new_pairing_code()
    with store.engine.begin() as conn:
        conn.execute(s.sync_pairing_codes.delete().where(s.sync_pairing_codes.c.patient_id == patient_id)
                     .where(s.sync_pairing_codes.c.used_at.is_(None)))
        conn.execute(s.sync_pairing_codes.insert().values(
            code_sha256=tokens.code_hash(code), patient_id=patient_id, created_at=now, created_by=by or "",
            expires_at=now + CODE_TTL))
    return code


def redeem(store, code: str, device_name: str = "", now: datetime | None = None) -> tuple[str, Device]:
    """The laptop's pairing: (token, device). Refused (403) for a code that is wrong, used or expired."""
    now = now or _now()
    token = tokens.new_device_token()
    with store.engine.begin() as conn:
        row = conn.execute(select(s.sync_pairing_codes)
                           .where(s.sync_pairing_codes.c.code_sha256 == tokens.code_hash(code))).mappings().first()
        if row is None or row["used_at"] is not None or _utc(row["expires_at"]) <= now:
            raise Refused(403, "This pairing code is not valid (mistyped, already used or more than a day old). "
                               "Ask your physiotherapist for a new one.")
        done = conn.execute(update(s.sync_pairing_codes).where(s.sync_pairing_codes.c.code_sha256 == row["code_sha256"])
                            .where(s.sync_pairing_codes.c.used_at.is_(None)).values(used_at=now))
        if done.rowcount != 1:  # another laptop redeemed it in the same moment
            raise Refused(403, "This pairing code has just been used. Ask your physiotherapist for a new one.")
        device_id = conn.execute(s.sync_devices.insert().values(
            patient_id=row["patient_id"], token_sha256=tokens.token_hash(token), name=(device_name or "")[:128],
            paired_at=now, paired_by=row["created_by"], last_seen_at=now, revoked_by="")).inserted_primary_key[0]
    return token, device(store, device_id)


def device(store, device_id: int) -> Device:
    with store.engine.connect() as conn:
        row = conn.execute(select(s.sync_devices).where(s.sync_devices.c.id == device_id)).mappings().first()
    if row is None:
        raise KeyError(f"no paired device {device_id}")
    return _device(row)


def _device(row) -> Device:
    return Device(row["id"], row["patient_id"], row["name"], _utc(row["paired_at"]), row["paired_by"],
                  _utc(row["last_seen_at"]), _utc(row["revoked_at"]), row["revoked_by"])


def devices(store, patient_id: str | None = None) -> list[Device]:
    q = select(s.sync_devices).order_by(s.sync_devices.c.id)
    if patient_id is not None:
        q = q.where(s.sync_devices.c.patient_id == patient_id)
    with store.engine.connect() as conn:
        return [_device(r) for r in conn.execute(q).mappings()]


def device_for(store, token: str | None) -> Device:
    """The live device of this token; Refused(401) when there is none or it was revoked."""
    if not token:
        raise Refused(401, "No device token: pair this computer first (coach pair CODE).")
    with store.engine.connect() as conn:
        row = conn.execute(select(s.sync_devices)
                           .where(s.sync_devices.c.token_sha256 == tokens.token_hash(token))).mappings().first()
    if row is None:
        raise Refused(401, "This computer is not paired with the clinic (unknown token): pair it again.")
    found = _device(row)
    if found.revoked:
        raise Refused(401, "The clinic has ended this computer's pairing: ask your physiotherapist for a new "
                           "pairing code.")
    return found


def revoke(store, device_id: int, by: str, now: datetime | None = None) -> None:
    with store.engine.begin() as conn:
        done = conn.execute(update(s.sync_devices).where(s.sync_devices.c.id == device_id)
                            .where(s.sync_devices.c.revoked_at.is_(None))
                            .values(revoked_at=now or _now(), revoked_by=by or ""))
    if done.rowcount != 1:
        raise KeyError(f"no paired device {device_id} that is still active")


def seen(store, dev: Device, now: datetime | None = None) -> None:
    with store.engine.begin() as conn:
        conn.execute(update(s.sync_devices).where(s.sync_devices.c.id == dev.id).values(last_seen_at=now or _now()))


def receive(store, dev: Device, body: bytes, now: datetime | None = None):
    """Import a pushed payload for the device's own patient, all or nothing; return the ImportReport.

    Refused(403) when it names another patient, Refused(422) when the import refuses it (every member
    checked before anything is written: see ``coach.store.bundle_import``). Each try is recorded."""
    from coach.store.bundle import import_bundle

    now = now or _now()
    digest = tokens.sha256_hex(body)
    with tempfile.TemporaryDirectory(prefix="coach-sync-") as tmp:
        path = Path(tmp) / "payload.zip"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        named = _named_patient(path)
        if named != dev.patient_id:
            _record(store, dev, now, digest, "refused", f"names patient {named!r}")
            raise Refused(403, f"This computer is paired for patient {dev.patient_id}; the payload is for "
                               f"{named!r}. Nothing was imported.")
        try:
            report = import_bundle(store, path)
        except ValueError as e:
            _record(store, dev, now, digest, "refused", str(e).replace(str(path), "payload")[:2000])
            raise Refused(422, "The payload was refused whole (nothing imported): "
                               + str(e).replace(str(path), "payload")) from None
    _record(store, dev, now, digest, "added", report.describe())
    seen(store, dev, now)
    return report


def _named_patient(path: Path) -> str | None:
    """The patient a payload says it is for (its manifest), read with the bundle's own limits."""
    import json

    from coach.store.bundle_zip import BundleZip

    try:
        with zipfile.ZipFile(path) as z:
            manifest = BundleZip(z, path).json("manifest.json")
    except (zipfile.BadZipFile, ValueError, KeyError, json.JSONDecodeError, OSError) as e:
        raise Refused(422, f"The payload is not a share bundle ({str(e).replace(str(path), 'payload')}); "
                           "nothing was imported.") from None
    return manifest.get("patient") if isinstance(manifest, dict) else None


def _record(store, dev: Device, now: datetime, digest: str, outcome: str, summary: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(s.sync_deliveries.insert().values(device_id=dev.id, patient_id=dev.patient_id, received_at=now,
                                                       payload_sha256=digest, outcome=outcome, summary=summary))


def deliveries(store, patient_id: str) -> list[dict]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.sync_deliveries).where(s.sync_deliveries.c.patient_id == patient_id)
                            .order_by(s.sync_deliveries.c.id)).mappings().all()
    return [{**r, "received_at": _utc(r["received_at"])} for r in rows]


def programme_versions(store, patient_id: str) -> list[dict]:
    """Every programme version of the patient as stored here (the clinic writes programmes)."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.programmes).where(t.programmes.c.patient_id == patient_id)
                            .order_by(t.programmes.c.version)).mappings().all()
    return [{"version": r["version"], "created_at": _utc(r["created_at"]).isoformat(), "author": r["author"],
             "note": r["note"], "body": r["body"]} for r in rows]


def patient_json(store, patient_id: str) -> dict:
    p = store.patient(patient_id)
    return {"id": p.id, "age": p.age, "sex": p.sex, "condition": p.condition, "affected_side": p.affected_side,
            "video_opt_in": p.video_opt_in}
