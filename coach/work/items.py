"""The ``work_items`` table: one row per queued upload or bundle import, keyed by the upload's id.

The uploaded file travels in the row (``payload``), so a worker on another machine needs nothing but
the database; it is dropped once the job is finished. A job's result is written exactly once:
``finish`` stores the session (``coach.store.ops``, keyed by a session uuid made from the item id,
unique in ``sessions``) and marks the item done in one transaction, and only while the item is
still "running": a retried job whose first run got that far finds it done and does nothing.

States: ``queued`` -> ``running`` -> ``done`` | ``held`` (looks like another exercise: the session
is kept in ``held`` until the patient decides) | ``failed``.
The table is part of the queue (created with procrastinate's by ``coach.work.queue.ensure_schema``),
not of the home schema: a SQLite laptop never has it.
"""
from __future__ import annotations

import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, Column, DateTime, Float, Index, Integer, LargeBinary, MetaData, String,
                        Table, Text, select, update)
from sqlalchemy.engine import Connection

QUEUED, RUNNING, DONE, HELD, FAILED = "queued", "running", "done", "held", "failed"
ANALYSIS, BUNDLE = "analysis", "bundle"
MAX_RUNS = 2  # a job whose worker died is run once more, never a third time
_SESSION_NS = uuidlib.UUID("5f0c7e4e-3d7e-4a53-9a57-2b1f4bde0c11")

metadata = MetaData()
work_items = Table(
    "work_items", metadata,
    Column("id", String(36), primary_key=True),  # the upload's id (uuid4)
    Column("kind", String(16), nullable=False),  # ANALYSIS / BUNDLE
    Column("owner", String(64), nullable=False),  # whose page shows it: the patient's code, "practice", "physio"
    Column("patient_id", String(64)),  # the session's patient (analysis); None: results only
    Column("name", String(128), nullable=False, default=""),  # safe display name of the file
    Column("params", JSON, nullable=False),  # analysis: exercise, side, model; bundle: as_patient
    Column("payload", LargeBinary),  # the uploaded file; None once finished
    Column("state", String(16), nullable=False),
    Column("progress", Float, nullable=False, default=0.0),
    Column("runs", Integer, nullable=False, default=0),  # how many times a worker started it
    Column("worker", String(128), nullable=False, default=""),
    Column("result", JSON),  # what the page shows (see coach.work.tasks)
    Column("held", JSON),  # HELD: the session's writes (ops.to_json) kept for the patient's OK
    Column("session_id", Integer),
    Column("error", Text, nullable=False, default=""),
    Column("seen", Boolean, nullable=False, default=False),  # the page has shown the finished result
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_work_items_owner_kind_created", "owner", "kind", "created_at"),
)


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    owner: str
    patient_id: str | None
    name: str
    params: dict
    state: str
    progress: float
    runs: int
    worker: str
    result: dict | None
    session_id: int | None
    error: str
    seen: bool
    created_at: datetime
    updated_at: datetime

    @property
    def finished(self) -> bool:
        return self.state in (DONE, HELD, FAILED)


_ITEM_COLUMNS = [work_items.c[name] for name in Item.__dataclass_fields__]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def session_uuid(item_id: str) -> str:
    """The uuid of the session an item's result becomes: the same on every run of the job."""
    return str(uuidlib.uuid5(_SESSION_NS, item_id))


def add(conn: Connection, kind: str, owner: str, name: str, params: dict, payload: bytes,
        patient_id: str | None = None) -> str:
    item_id = str(uuidlib.uuid4())
    now = _now()
    conn.execute(work_items.insert().values(
        id=item_id, kind=kind, owner=owner, patient_id=patient_id, name=name, params=params, payload=payload,
        state=QUEUED, progress=0.0, runs=0, worker="", error="", seen=False, created_at=now, updated_at=now))
    return item_id


def get(conn: Connection, item_id: str) -> Item | None:
    row = conn.execute(select(*_ITEM_COLUMNS).where(work_items.c.id == item_id)).mappings().first()
    return Item(**row) if row else None


def latest(conn: Connection, owner: str, kind: str) -> Item | None:
    row = conn.execute(select(*_ITEM_COLUMNS).where(work_items.c.owner == owner, work_items.c.kind == kind)
                       .order_by(work_items.c.created_at.desc()).limit(1)).mappings().first()
    return Item(**row) if row else None


def claim(conn: Connection, item_id: str, worker: str) -> tuple[Item, bytes] | None:
    """Start (or restart, after a worker died) an item: its row and file, or None when there is
    nothing to do (finished already, or its last allowed run is used up: then it is failed here)."""
    row = conn.execute(select(work_items.c.state, work_items.c.runs).where(work_items.c.id == item_id)
                       .with_for_update()).first()
    if row is None or row.state not in (QUEUED, RUNNING):
        return None
    if row.runs >= MAX_RUNS:
        fail(conn, item_id, f"the analysis was stopped {row.runs} times before it finished (a worker stopped)")
        return None
    conn.execute(update(work_items).where(work_items.c.id == item_id).values(
        state=RUNNING, runs=work_items.c.runs + 1, worker=worker, progress=0.0, updated_at=_now()))
    payload = conn.execute(select(work_items.c.payload).where(work_items.c.id == item_id)).scalar()
    return get(conn, item_id), payload


def set_progress(conn: Connection, item_id: str, progress: float) -> None:
    conn.execute(update(work_items).where(work_items.c.id == item_id, work_items.c.state == RUNNING)
                 .values(progress=float(progress), updated_at=_now()))


def finish(conn: Connection, item_id: str, result: dict, session_ops: list | None = None) -> bool:
    """Store the result (and the session, from ``session_ops``) and mark the item done, in the
    caller's transaction; False (nothing written) when the item is no longer running."""
    from coach.store import ops

    state = conn.execute(select(work_items.c.state).where(work_items.c.id == item_id).with_for_update()).scalar()
    if state != RUNNING:
        return False
    session_id = ops.apply(conn, session_uuid(item_id), session_ops, _now()) if session_ops else None
    conn.execute(update(work_items).where(work_items.c.id == item_id).values(
        state=DONE, result=result, session_id=session_id, payload=None, held=None, progress=1.0,
        updated_at=_now()))
    return True


def hold(conn: Connection, item_id: str, result: dict, session_ops: list) -> bool:
    """Finished, but not saved: the motion looks like another exercise; the writes wait for the patient."""
    from coach.store import ops

    state = conn.execute(select(work_items.c.state).where(work_items.c.id == item_id).with_for_update()).scalar()
    if state != RUNNING:
        return False
    conn.execute(update(work_items).where(work_items.c.id == item_id).values(
        state=HELD, result=result, held=[ops.to_json(op) for op in session_ops], progress=1.0, updated_at=_now()))
    return True


def keep_held(conn: Connection, item_id: str) -> int | None:
    """The patient keeps a held result: its session is written now (once); its id."""
    from coach.store import ops

    row = conn.execute(select(work_items.c.state, work_items.c.held, work_items.c.session_id)
                       .where(work_items.c.id == item_id).with_for_update()).first()
    if row is None or row.state != HELD:
        return row.session_id if row is not None else None
    session_id = ops.apply(conn, session_uuid(item_id), [ops.from_json(d) for d in row.held], _now())
    conn.execute(update(work_items).where(work_items.c.id == item_id).values(
        state=DONE, session_id=session_id, held=None, payload=None, updated_at=_now()))
    return session_id


def fail(conn: Connection, item_id: str, error: str) -> None:
    conn.execute(update(work_items).where(work_items.c.id == item_id).values(
        state=FAILED, error=error, payload=None, held=None, updated_at=_now()))


def mark_seen(conn: Connection, item_id: str) -> None:
    conn.execute(update(work_items).where(work_items.c.id == item_id).values(seen=True))


def payload_of(conn: Connection, item_id: str) -> bytes | None:
    return conn.execute(select(work_items.c.payload).where(work_items.c.id == item_id)).scalar()


def drop(conn: Connection, item_id: str) -> None:
    conn.execute(work_items.delete().where(work_items.c.id == item_id))
