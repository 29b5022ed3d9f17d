"""The writes a recording makes, as values: applied to the database, or kept in a fallback file.

Every op carries its natural key (session uuid, set number, sequence number), and ``apply`` skips
what is already there, so replaying a list twice, or after a commit whose outcome was unknown,
stores everything exactly once. The recorder and the fallback import share this one path.
"""
from __future__ import annotations

import base64
import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from coach.store import schema as t
from coach.store.records import TestResult
from coach.store.repcodec import rep_columns, rep_from_json, rep_to_json
from exercises.base import Rep


ALERT_EVENTS = ("balance_loss", "fall_like")  # coach.sync.alerts.BALANCE_KINDS: events that raise an alert


@dataclass(frozen=True)
class SessionStart:
    uuid: str
    patient_id: str
    exercise: str
    source: str
    started_at: datetime
    host: str
    pid: int
    schema_version: int
    app_version: str
    algorithm_version: str
    settings: dict
    programme_version: int | None


@dataclass(frozen=True)
class SetStart:
    set_no: int
    target_reps: int | None
    side: str
    started_at: datetime


@dataclass(frozen=True)
class SetEnd:
    set_no: int
    ended_at: datetime


@dataclass(frozen=True)
class RepAdded:
    set_no: int
    seq: int
    rep: Rep


@dataclass(frozen=True)
class EventAdded:
    seq: int
    kind: str
    time_s: float
    detail: str


@dataclass(frozen=True)
class PosesAdded:
    set_no: int
    seq: int
    t_start_s: float
    t_end_s: float
    n_frames: int
    data: bytes  # coach.store.poses.encode_chunk


@dataclass(frozen=True)
class TestAdded:
    __test__ = False
    seq: int
    result: TestResult


@dataclass(frozen=True)
class VideoAttached:
    path: str  # relative to the media directory


@dataclass(frozen=True)
class SessionEnd:
    status: str
    ended_at: datetime


@dataclass(frozen=True)
class Heartbeat:
    """Nothing new, but the session is alive: only ``last_write_at`` moves."""


Op = Heartbeat | SessionStart | SetStart | SetEnd | RepAdded | EventAdded | PosesAdded | TestAdded | VideoAttached | SessionEnd
_OP_TYPES = {cls.__name__: cls for cls in (Heartbeat, SessionStart, SetStart, SetEnd, RepAdded, EventAdded, PosesAdded,
                                             TestAdded, VideoAttached, SessionEnd)}


def apply(conn: Connection, session_uuid: str, ops: list[Op], now: datetime, revive: bool = False,
          alerts: bool = True) -> int:
    """Apply ``ops`` (inside the caller's transaction); return the session's id. ``revive``: the
    recording process is alive and writing, so a session marked "interrupted" meanwhile (the
    database hung past ``Store.mark_stale``'s limit) is "recording" again. With ``alerts``, a session
    started or ended, or a loss of balance, refreshes the patient's stored alerts in the same
    transaction (``coach.sync.alerts.refresh``; reps alone do not: a session counts for the
    programme's rules once ended); a caller writing many sessions refreshes once itself."""
    session_id = conn.execute(select(t.sessions.c.id).where(t.sessions.c.uuid == session_uuid)).scalar()
    set_ids: dict[int, int] = {}

    def set_id(set_no: int) -> int:
        if set_no not in set_ids:
            found = conn.execute(select(t.sets.c.id).where(
                t.sets.c.session_id == session_id, t.sets.c.set_no == set_no)).scalar()
            if found is None:
                raise ValueError(f"set {set_no} was never started")
            set_ids[set_no] = found
        return set_ids[set_no]

    def exists(table, **key) -> bool:
        cond = [table.c[k] == v for k, v in key.items()]
        return conn.execute(select(table.c.id).where(*cond).limit(1)).first() is not None

    for op in ops:
        if isinstance(op, Heartbeat):
            continue
        if isinstance(op, SessionStart):
            if session_id is None:
                session_id = conn.execute(t.sessions.insert().values(
                    **asdict(op), status="recording", last_write_at=now)).inserted_primary_key[0]
        elif session_id is None:
            raise ValueError(f"session {session_uuid} was never started")
        elif isinstance(op, SetStart):
            if not exists(t.sets, session_id=session_id, set_no=op.set_no):
                conn.execute(t.sets.insert().values(session_id=session_id, **asdict(op)))
        elif isinstance(op, SetEnd):
            conn.execute(update(t.sets).where(t.sets.c.id == set_id(op.set_no)).values(ended_at=op.ended_at))
        elif isinstance(op, RepAdded):
            sid = set_id(op.set_no)
            if not exists(t.reps, set_id=sid, seq=op.seq):
                _insert_rep(conn, sid, op.seq, op.rep)
        elif isinstance(op, EventAdded):
            if not exists(t.events, session_id=session_id, seq=op.seq):
                conn.execute(t.events.insert().values(session_id=session_id, **asdict(op)))
        elif isinstance(op, PosesAdded):
            sid = set_id(op.set_no)
            if not exists(t.pose_chunks, set_id=sid, seq=op.seq):
                values = asdict(op)
                del values["set_no"]
                conn.execute(t.pose_chunks.insert().values(set_id=sid, **values))
        elif isinstance(op, TestAdded):
            if not exists(t.test_results, session_id=session_id, seq=op.seq):
                conn.execute(t.test_results.insert().values(session_id=session_id, seq=op.seq,
                                                            **test_columns(op.result)))
        elif isinstance(op, VideoAttached):
            conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(video_path=op.path))
        elif isinstance(op, SessionEnd):
            conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(
                status=op.status, ended_at=op.ended_at))
        else:
            raise TypeError(f"unknown op {op!r}")
    if session_id is None:
        raise ValueError(f"session {session_uuid} was never started")
    conn.execute(update(t.sessions).where(t.sessions.c.id == session_id).values(last_write_at=now))
    if revive and not any(isinstance(op, SessionEnd) for op in ops):
        conn.execute(update(t.sessions).where(t.sessions.c.id == session_id, t.sessions.c.status == "interrupted")
                     .values(status="recording", ended_at=None))
    if alerts and any(isinstance(op, (SessionStart, SessionEnd)) or (isinstance(op, EventAdded) and op.kind in
                                                                     ALERT_EVENTS) for op in ops):
        from coach.sync.alerts import refresh_session_patient

        refresh_session_patient(conn, session_id)
    return session_id


def test_columns(result: TestResult) -> dict:
    d = asdict(result)
    d["flags"] = list(result.flags)
    d["details"] = json.loads(json.dumps(result.details, default=float))
    return d


def _insert_rep(conn: Connection, set_id: int, seq: int, rep: Rep) -> None:
    rep_id = conn.execute(t.reps.insert().values(set_id=set_id, seq=seq, **rep_columns(rep))).inserted_primary_key[0]
    if rep.faults:
        conn.execute(t.faults.insert(), [{"rep_id": rep_id, "code": f.code, "time_s": f.time_s,
                                          "detail": f.detail} for f in rep.faults])


# --- JSON form, for fallback files ------------------------------------------------------------

def to_json(op: Op) -> dict:
    d = {"op": type(op).__name__}
    for f in fields(op):
        d[f.name] = _encode(getattr(op, f.name))
    return d


def from_json(d: dict) -> Op:
    cls = _OP_TYPES[d["op"]]
    kwargs = {}
    for f in fields(cls):
        v = d[f.name]
        if f.name.endswith("_at") and v is not None:
            v = datetime.fromisoformat(v)
        elif f.name == "data":
            v = base64.b64decode(v)
        elif f.name == "rep":
            v = rep_from_json(v)
        elif f.name == "result":
            v = TestResult.from_dict(v)
        kwargs[f.name] = v
    return cls(**kwargs)


def _encode(v):
    if isinstance(v, datetime):
        return v.astimezone(timezone.utc).isoformat()
    if isinstance(v, bytes):
        return base64.b64encode(v).decode("ascii")
    if isinstance(v, Rep):
        return rep_to_json(v)
    if isinstance(v, TestResult):
        return test_columns(v)
    return v
