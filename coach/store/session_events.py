"""Events added to a stored session by its id, e.g. a balance loss during a hold ("balance_loss",
detail "step" or "drop"), listed in the physio's review with the moment they happened.

Kept apart from the recorder's own ``events`` table: those rows are keyed (session, seq) by the
recorder's journal, and a row added from elsewhere could take a sequence number a replay needs.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Connection

from coach.store import schema as t
from coach.store.errors import NotFound

KIND_MAX = 32
DETAIL_MAX = 2000


@dataclass(frozen=True)
class SessionEvent:
    session_id: int
    t_s: float  # seconds on the session's own clock (the pose timestamps)
    kind: str  # e.g. "balance_loss"
    detail: str  # e.g. "step" / "drop"
    created_at: datetime  # UTC wall clock when it was stored

    def to_dict(self) -> dict:
        return {"session_id": self.session_id, "t_s": self.t_s, "kind": self.kind, "detail": self.detail,
                "created_at": self.created_at.isoformat()}


def validate(t_s: float, kind: str, detail: str) -> tuple[float, str, str]:
    t_s = float(t_s)
    if t_s != t_s or t_s < 0:
        raise ValueError(f"an event's time must be a number of seconds >= 0, got {t_s}")
    kind = (kind or "").strip()
    if not kind or len(kind) > KIND_MAX:
        raise ValueError(f"an event needs a kind of 1-{KIND_MAX} characters, got {kind!r}")
    detail = detail or ""
    if len(detail) > DETAIL_MAX:
        raise ValueError(f"an event's detail is at most {DETAIL_MAX} characters")
    from coach.caregiver import check as check_caregiver

    check_caregiver(kind, detail)  # a caregiver's answer is one of its words
    return t_s, kind, detail


def add(conn: Connection, session_id: int, t_s: float, kind: str, detail: str = "",
        created_at: datetime | None = None) -> SessionEvent:
    t_s, kind, detail = validate(t_s, kind, detail)
    if conn.execute(select(t.sessions.c.id).where(t.sessions.c.id == session_id)).first() is None:
        raise NotFound(f"No session {session_id}")
    event = SessionEvent(session_id, t_s, kind, detail, created_at or datetime.now(timezone.utc))
    conn.execute(t.session_events.insert().values(**vars(event)))
    return event


def for_session(conn: Connection, session_id: int) -> list[SessionEvent]:
    """The session's events in time order (ties in the order they were stored)."""
    from coach.store.queries import as_utc

    rows = conn.execute(select(t.session_events).where(t.session_events.c.session_id == session_id)
                        .order_by(t.session_events.c.t_s, t.session_events.c.id)).mappings().all()
    return [SessionEvent(r["session_id"], r["t_s"], r["kind"], r["detail"], as_utc(r["created_at"])) for r in rows]


def for_sessions(conn: Connection, session_ids: list[int]) -> dict[int, list[SessionEvent]]:
    """``for_session`` for many sessions in one query: session id -> its events (absent: none)."""
    from coach.store.queries import as_utc

    out: dict[int, list[SessionEvent]] = {}
    if not session_ids:
        return out
    from coach.store.queries import of_chosen

    rows = conn.execute(of_chosen(select(t.session_events), t.session_events.c.session_id,
                                  t.sessions.c.id.in_(list(session_ids)))
                        .order_by(t.session_events.c.session_id, t.session_events.c.t_s,
                                  t.session_events.c.id)).mappings().all()
    for r in rows:
        out.setdefault(r["session_id"], []).append(
            SessionEvent(r["session_id"], r["t_s"], r["kind"], r["detail"], as_utc(r["created_at"])))
    return out
