"""The laptop's outbox: what is to go to the clinic, and what went.

One row per item (a session by uuid, a clip by uuid, a diary day) holding the fingerprint of what
the item looked like when it was queued (a session's status, its added events and test scores; a
diary day's time saved) and the fingerprint the clinic last acknowledged. An item is pending while
the two differ, so a diary day edited after it went goes again, and nothing is lost when a delivery
fails: the row stays, with its attempts, the last error and the time of the next try (backoff
doubling from ``BASE_S`` to ``MAX_S``). Sessions still being recorded wait until they end.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, update

from coach.store import schema as t
from coach.store import sync_schema as s

BASE_S = 5.0
MAX_S = 900.0
KINDS = ("session", "clip", "diary")


@dataclass(frozen=True)
class Item:
    kind: str
    key: str
    fingerprint: str
    attempts: int = 0
    next_try_at: datetime | None = None
    last_error: str = ""
    delivered_at: datetime | None = None
    delivered_fingerprint: str = ""

    @property
    def pending(self) -> bool:
        return self.fingerprint != self.delivered_fingerprint


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(v):
    if v is None:
        return None
    return v.replace(tzinfo=timezone.utc) if v.tzinfo is None else v.astimezone(timezone.utc)


def current(store, patient_id: str) -> dict[tuple[str, str], str]:
    """(kind, key) -> fingerprint of every item the patient has on this laptop now."""
    out: dict[tuple[str, str], str] = {}
    with store.engine.connect() as conn:
        n_events = dict(conn.execute(select(t.session_events.c.session_id, func.count())
                                     .group_by(t.session_events.c.session_id)).all())
        n_tests = dict(conn.execute(select(t.test_results.c.session_id, func.count())
                                    .group_by(t.test_results.c.session_id)).all())
        for sid, uuid, status in conn.execute(select(t.sessions.c.id, t.sessions.c.uuid, t.sessions.c.status)
                                              .where(t.sessions.c.patient_id == patient_id)):
            if status != "recording":
                out[("session", uuid)] = f"{status}|e{n_events.get(sid, 0)}|t{n_tests.get(sid, 0)}"
        for (uuid,) in conn.execute(select(t.clips.c.uuid).where(t.clips.c.patient_id == patient_id)):
            out[("clip", uuid)] = "1"
        for day, updated in conn.execute(select(t.diary_entries.c.day, t.diary_entries.c.updated_at)
                                         .where(t.diary_entries.c.patient_id == patient_id)):
            out[("diary", day.isoformat())] = _utc(updated).isoformat() if updated else "-"
    return out


def enqueue_new(store, patient_id: str, now: datetime | None = None) -> int:
    """Queue every item that is new or changed since it was queued; return how many."""
    now = now or _now()
    have = {(i.kind, i.key): i for i in items(store, patient_id)}
    queued = 0
    with store.engine.begin() as conn:
        for (kind, key), fp in current(store, patient_id).items():
            old = have.get((kind, key))
            if old is None:
                conn.execute(s.sync_outbox.insert().values(patient_id=patient_id, kind=kind, item_key=key,
                                                           fingerprint=fp, queued_at=now, attempts=0,
                                                           last_error="", delivered_fingerprint=""))
            elif old.fingerprint != fp:
                conn.execute(update(s.sync_outbox).where(_row(patient_id, kind, key))
                             .values(fingerprint=fp, queued_at=now, attempts=0, next_try_at=None))
            else:
                continue
            queued += 1
    return queued


def _row(patient_id: str, kind: str, key: str):
    c = s.sync_outbox.c
    return (c.patient_id == patient_id) & (c.kind == kind) & (c.item_key == key)


def items(store, patient_id: str) -> list[Item]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.sync_outbox).where(s.sync_outbox.c.patient_id == patient_id)
                            .order_by(s.sync_outbox.c.id)).mappings().all()
    return [Item(r["kind"], r["item_key"], r["fingerprint"], r["attempts"], _utc(r["next_try_at"]), r["last_error"],
                 _utc(r["delivered_at"]), r["delivered_fingerprint"]) for r in rows]


def pending(store, patient_id: str) -> list[Item]:
    return [i for i in items(store, patient_id) if i.pending]


def due(store, patient_id: str, now: datetime | None = None) -> bool:
    """True when something is pending and its backoff has passed (or it was never tried)."""
    now = now or _now()
    return any(i.next_try_at is None or i.next_try_at <= now for i in pending(store, patient_id))


def item(store, patient_id: str, kind: str, key: str) -> Item | None:
    return next((i for i in items(store, patient_id) if (i.kind, i.key) == (kind, key)), None)


def mark_delivered(store, patient_id: str, sent: list[Item], now: datetime | None = None) -> None:
    now = now or _now()
    with store.engine.begin() as conn:
        for i in sent:
            conn.execute(update(s.sync_outbox).where(_row(patient_id, i.kind, i.key))
                         .values(delivered_at=now, delivered_fingerprint=i.fingerprint, attempts=0,
                                 next_try_at=None, last_error=""))


def mark_failed(store, patient_id: str, tried: list[Item], error: str, now: datetime | None = None) -> datetime:
    """Count a failed try; return when the next one is due (exponential backoff with jitter)."""
    now = now or _now()
    attempts = max((i.attempts for i in tried), default=0) + 1
    wait = min(MAX_S, BASE_S * 2 ** (attempts - 1)) * random.uniform(0.8, 1.0)
    next_try = now + timedelta(seconds=wait)
    with store.engine.begin() as conn:
        for i in tried:
            conn.execute(update(s.sync_outbox).where(_row(patient_id, i.kind, i.key))
                         .values(attempts=attempts, next_try_at=next_try, last_error=error[:2000]))
    return next_try


def last_delivery(store, patient_id: str) -> datetime | None:
    return max((i.delivered_at for i in items(store, patient_id) if i.delivered_at), default=None)
