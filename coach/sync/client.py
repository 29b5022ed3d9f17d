"""The patient's laptop: pairing with the clinic and syncing with it.

``pair(store, clinic_url, code)`` redeems the physio's one-time code; the device token the clinic
answers with is kept in ``clinic.json`` beside the laptop's database (0600, the user's alone) and
nowhere else. ``sync_once(store)`` queues what is new (``outbox``), pushes it as one share bundle
signed with the token (the clinic imports it all or nothing), marks it delivered only once the
clinic has answered that it took it, and pulls the programme: programmes are written at the clinic,
so its versions replace the laptop's. ``Syncer`` does that in the background: at once when poked
(the app opening, a session or a diary day saved), else every ``interval_s`` when something is due.

Only ``https://`` addresses are accepted, except on this computer's loopback address (tests, or a
clinic that runs its own proxy on the same machine).
"""
from __future__ import annotations

import ipaddress
import json
import logging
import socket
import tempfile
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import select, update

from coach.store import paths
from coach.store.errors import NotFound
from coach.store import schema as t
from coach.sync import outbox, tokens

log = logging.getLogger(__name__)
PAIRING_FILE = "clinic.json"
TIMEOUT_S = 30.0


class SyncError(Exception):
    """A sync that did not go through, in words for the patient's screen or the command line."""


@dataclass(frozen=True)
class Pairing:
    clinic_url: str
    patient_id: str
    token: str
    device_id: int
    paired_at: str

    def to_dict(self) -> dict:
        return {"clinic": self.clinic_url, "patient": self.patient_id, "token": self.token,
                "device_id": self.device_id, "paired_at": self.paired_at}


@dataclass(frozen=True)
class SyncResult:
    paired: bool
    delivered: int = 0  # items the clinic acknowledged in this sync
    pending: int = 0  # items still waiting after it
    programme_version: int | None = None  # the current programme here after the pull
    programme_updated: bool = False
    error: str = ""
    summary: str = ""


def pairing_path(store) -> Path:
    db_file = paths.sqlite_file(store.url)
    return (db_file.parent if db_file else paths.data_dir()) / PAIRING_FILE


def load_pairing(store) -> Pairing | None:
    path = pairing_path(store)
    if not path.is_file():
        return None
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
        return Pairing(d["clinic"], d["patient"], d["token"], int(d["device_id"]), d.get("paired_at") or "")
    except (OSError, ValueError, KeyError, TypeError) as e:
        log.warning("ignoring an unreadable pairing file %s: %s", path, e)
        return None


def check_url(url: str) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValueError(f"not a clinic address: {url!r} (e.g. https://coach.clinic.example)")
    if parts.scheme == "http" and not _loopback(parts.hostname):
        raise ValueError(f"{url} is not encrypted: the clinic's address starts with https:// (plain http only "
                         "on this computer's own address)")
    return url.strip().rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _request(url: str, *, data: bytes | None = None, headers: dict | None = None, method: str = "GET",
             timeout_s: float | None = None) -> dict:
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout_s or TIMEOUT_S) as r:
            return json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        try:
            message = json.loads(e.read().decode("utf-8")).get("error") or str(e)
        except (ValueError, AttributeError, OSError):
            message = str(e)
        err = SyncError(f"The clinic refused it: {message}")
        err.status = e.code
        raise err from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", e)
        err = SyncError(f"The clinic could not be reached ({reason}); it will be tried again.")
        err.status = None
        raise err from None


def pair(store, clinic_url: str, code: str, device_name: str | None = None) -> Pairing:
    """Pair this laptop with the clinic for the patient the code was made for; pull their programme."""
    url = check_url(clinic_url)
    answer = _request(f"{url}/api/v1/pair", method="POST", headers={"Content-Type": "application/json"},
                      data=json.dumps({"code": code, "device": device_name or socket.gethostname()}).encode())
    p = answer["patient"]
    facts = {"age": p.get("age"), "sex": p.get("sex") or "", "condition": p.get("condition") or "",
             "affected_side": p.get("affected_side") or ""}
    try:
        store.patient(p["id"])
    except NotFound:  # this laptop meets the patient for the first time
        store.add_patient(p["id"], **facts, video_opt_in=bool(p.get("video_opt_in")))
    else:  # the clinic's record says who the patient is (the laptop's consent to video stays the patient's)
        store.update_patient(p["id"], **facts)
    pairing = Pairing(url, p["id"], answer["token"], int(answer["device_id"]),
                      datetime.now(timezone.utc).isoformat())
    path = pairing_path(store)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    paths.write_private(path, json.dumps(pairing.to_dict(), indent=1))
    try:
        pull_programme(store, pairing)
    except SyncError as e:
        log.warning("paired, but the programme could not be fetched yet: %s", e)
    return pairing


def unpair(store) -> bool:
    path = pairing_path(store)
    if path.exists():
        path.unlink()
        return True
    return False


def sync_once(store, *, force: bool = False, now: datetime | None = None,
              timeout_s: float | None = None) -> SyncResult:
    """Push what is new and pull the programme. ``force``: try now even while backing off."""
    pairing = load_pairing(store)
    if pairing is None:
        return SyncResult(paired=False)
    pid = pairing.patient_id
    outbox.enqueue_new(store, pid, now)
    delivered, error, summary = 0, "", ""
    waiting = outbox.pending(store, pid)
    if waiting and (force or outbox.due(store, pid, now)):
        try:
            summary = push(store, pairing, waiting, timeout_s)
            outbox.mark_delivered(store, pid, waiting)
            delivered = len(waiting)
        except SyncError as e:
            error = str(e)
            outbox.mark_failed(store, pid, waiting, error, now)
    version, updated = None, False
    try:
        version, updated = pull_programme(store, pairing, timeout_s)
    except SyncError as e:
        error = error or str(e)
    return SyncResult(True, delivered, len(outbox.pending(store, pid)), version, updated, error, summary)


def push(store, pairing: Pairing, items: list, timeout_s: float | None = None) -> str:
    """Send these outbox items as one signed share bundle; the clinic's summary."""
    from coach.store.bundle import export_bundle

    sessions = [i.key for i in items if i.kind == "session"]
    clips = [i.key for i in items if i.kind == "clip"]
    with tempfile.TemporaryDirectory(prefix="coach-sync-") as tmp:
        path = export_bundle(store, pairing.patient_id, Path(tmp) / "payload.zip", include_video=False,
                             only_sessions=sessions, only_clips=clips)
        body = path.read_bytes()
    answer = _request(f"{pairing.clinic_url}/api/v1/push", method="POST", data=body,
                      headers={"Authorization": f"Bearer {pairing.token}", "Content-Type": "application/zip",
                               tokens.SIGNATURE_HEADER: tokens.sign(pairing.token, body)}, timeout_s=timeout_s)
    return str(answer.get("summary") or "")


def pull_programme(store, pairing: Pairing, timeout_s: float | None = None) -> tuple[int | None, bool]:
    """Take the clinic's programme versions (the clinic's replace any of the same number here);
    return (the current version here, whether anything changed)."""
    from coach.programme.model import from_dict

    answer = _request(f"{pairing.clinic_url}/api/v1/programme",
                      headers={"Authorization": f"Bearer {pairing.token}"}, timeout_s=timeout_s)
    if answer.get("patient") != pairing.patient_id:
        raise SyncError("The clinic answered for another patient; nothing was changed.")
    changed = False
    with store.engine.begin() as conn:
        mine = {r.version: r for r in conn.execute(select(t.programmes).where(
            t.programmes.c.patient_id == pairing.patient_id))}
        for v in answer.get("versions") or []:
            body = {**v["body"], "patient": pairing.patient_id}
            from_dict(body, patient_id=pairing.patient_id, source=f"the clinic's programme v{v['version']}")
            values = dict(created_at=datetime.fromisoformat(v["created_at"]), author=v.get("author") or "",
                          note=v.get("note") or "", body=body)
            here = mine.get(v["version"])
            if here is None:
                conn.execute(t.programmes.insert().values(patient_id=pairing.patient_id, version=v["version"],
                                                          **values))
                changed = True
            elif here.body != body or here.author != values["author"] or here.note != values["note"]:
                conn.execute(update(t.programmes).where(t.programmes.c.id == here.id).values(**values))
                changed = True
    programme = store.programme(pairing.patient_id)
    return (programme.version if programme else None), changed


def after_session(store_url: str | None = None, timeout_s: float = 5.0) -> str | None:
    """One quick sync at the end of a session (``coach live --patient``): the line to tell the
    patient, or None when this laptop is not paired. Never raises: the outbox keeps what did not go."""
    from coach.store import Store

    try:
        with Store.open(store_url, recover=False, backup_every=None) as store:
            result = sync_once(store, force=True, timeout_s=timeout_s)
    except Exception as e:  # noqa: BLE001 - the session is saved; sending is for later
        return f"The session is saved on this computer; it goes to your physiotherapist with the next sync ({e})."
    if not result.paired:
        return None
    if result.pending:
        return "The session is saved on this computer; it goes to your physiotherapist with the next sync."
    return f"Sent to your physiotherapist at {datetime.now():%H:%M}." if result.delivered else None


class Syncer:
    """Background sync for one laptop database: a daemon thread that syncs when poked and otherwise
    every ``interval_s`` (respecting the outbox's backoff). ``last`` holds the newest result."""

    def __init__(self, store_url: str | None = None, interval_s: float = 5.0):
        self.store_url = store_url
        self.interval_s = interval_s
        self.last: SyncResult | None = None
        self._poke = threading.Event()
        self._force = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="coach-sync")
        self._thread.start()

    def poke(self) -> None:
        """Sync now (the app opened, something was saved)."""
        self._force = True
        self._poke.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        self._stop.set()
        self._poke.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        from coach.store import Store

        self._force = True  # a first sync when it starts
        store = None
        try:
            while not self._stop.is_set():
                force, self._force = self._force, False
                try:
                    store = store or Store.open(self.store_url, recover=False, backup_every=None)
                    self.last = sync_once(store, force=force)
                except Exception as e:  # noqa: BLE001 - a background thread: log, keep trying
                    log.warning("background sync failed: %s", e)
                self._poke.wait(self.interval_s)
                self._poke.clear()
        finally:
            if store is not None:
                store.close()
