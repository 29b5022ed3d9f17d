"""``Store`` methods for crash recovery: sessions a dead process left "recording" are marked
"interrupted", and session journals left by a failed write or a crash are replayed."""
from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import SQLAlchemyError

from coach.store import fallback, ops, queries
from coach.store import schema as t
from coach.store.clock import now
from coach.store.errors import driver_message

log = logging.getLogger(__name__)


class RecoveryMixin:
    """Needs ``engine``, ``fallback_dirs`` and ``identity`` from ``Store``."""

    def mark_interrupted(self, stale_after: timedelta = timedelta(seconds=60)) -> list[int]:
        """Mark sessions left "recording" by a dead process as "interrupted"; return their ids.

        A session counts as dead when its process is gone (same host) or it has not written for
        ``stale_after`` (another host, a hung process, a closed browser tab: a live recorder writes
        a heartbeat every 15 s). Its end time is its last write.
        """
        host = socket.gethostname()
        cutoff = now() - stale_after
        marked = []
        with self.engine.begin() as conn:
            rows = conn.execute(select(t.sessions.c.id, t.sessions.c.host, t.sessions.c.pid,
                                       t.sessions.c.last_write_at)
                                .where(t.sessions.c.status == "recording")).all()
            for sid, s_host, pid, last in rows:
                last = queries.as_utc(last)
                alive_here = s_host == host and pid is not None and pid_alive(pid)
                if alive_here and last > cutoff:
                    continue
                if s_host != host and last > cutoff:
                    continue
                conn.execute(update(t.sessions).where(t.sessions.c.id == sid)
                             .values(status="interrupted", ended_at=last))
                marked.append(sid)
        for sid in marked:
            log.warning("session %d was left open (crash or power loss): marked interrupted", sid)
        return marked

    def recover_unsaved(self) -> list[str]:
        """Replay fallback files written for this database; return the recovered session uuids."""
        recovered = []
        for path in fallback.find(self.fallback_dirs):
            if fallback.in_use(path):
                continue  # its recorder is alive (here or in another process) and saves it itself
            try:
                unsaved = fallback.read(path)
            except (OSError, ValueError) as e:
                log.warning("skipping unsaved-data file %s: %s", path, e)
                continue
            if unsaved.database != self.identity or self._recording_elsewhere(unsaved.session_uuid):
                continue
            why = self._untrusted_ops(unsaved)
            if why:
                log.warning("not replaying %s: %s", path, why)
                continue
            try:
                with self.engine.begin() as conn:
                    ops.apply(conn, unsaved.session_uuid, unsaved.ops, now())
            except (SQLAlchemyError, ValueError) as e:
                log.warning("could not replay %s (kept for the next start): %s", path, driver_message(e))
                continue
            path.unlink()
            log.warning("saved %d held write(s) of session %s from %s", len(unsaved.ops),
                        unsaved.session_uuid, path)
            recovered.append(unsaved.session_uuid)
        return recovered

    def _untrusted_ops(self, unsaved: fallback.UnsavedFile) -> str:
        """Why a journal's writes must not be applied ("" when they may): its patient must exist and
        its session, if already stored, must be that patient's."""
        start = next((o for o in unsaved.ops if isinstance(o, ops.SessionStart)), None)
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions.c.patient_id).where(t.sessions.c.uuid == unsaved.session_uuid)).first()
            if start is None and row is None:
                return "its session was never started"
            patient = start.patient_id if start is not None else row.patient_id
            if row is not None and start is not None and row.patient_id != start.patient_id:
                return "it names another patient than the stored session"
            if conn.execute(select(t.patients.c.id).where(t.patients.c.id == patient)).first() is None:
                return f"its patient {patient!r} does not exist"
        return ""

    def _recording_elsewhere(self, session_uuid: str) -> bool:
        """True while the process that wrote the file is alive: it will save the data itself."""
        with self.engine.connect() as conn:
            row = conn.execute(select(t.sessions.c.host, t.sessions.c.pid, t.sessions.c.status)
                               .where(t.sessions.c.uuid == session_uuid)).first()
        return (row is not None and row.status == "recording" and row.host == socket.gethostname()
                and row.pid != os.getpid() and pid_alive(row.pid))



def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True

