"""``SessionRecorder``: what the live loop calls per set, rep, event and chunk of frames.

Each call commits at once, so ``kill -9`` loses at most the call in flight. When the database
cannot be written (locked, read-only, disk full) nothing is dropped: the writes stay queued in
memory, are copied to a fallback file (``coach.store.fallback``) and go to the database on a later
call once it accepts them again. ``health`` tells the UI; ``finish`` raises ``StoreWriteError``
(naming the fallback file) if the data still has not reached the database by the end.

While the database refuses writes, a new attempt is made at most every ``retry_interval_s`` (and
always at ``end_set``/``finish``), so a locked SQLite file stalls the caller only now and then.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from coach.pose.frame import PoseFrame
from coach.store import ops
from coach.store.errors import StoreWriteError
from coach.store.fallback import FallbackWriter
from coach.store.poses import encode_chunk
from coach.store.records import RecorderHealth, TestResult
from exercises.base import Rep

log = logging.getLogger(__name__)
FINAL_STATUSES = ("complete", "stopped")  # "stopped": ended early on purpose (pain, tiredness)


def _now() -> datetime:
    return datetime.now(timezone.utc)


class SessionRecorder:
    """Records one session; get one from ``Store.start_session``."""

    def __init__(self, engine: Engine, start: ops.SessionStart, fallback: FallbackWriter,
                 retry_interval_s: float = 10.0, clock: Callable[[], datetime] = _now):
        self._engine = engine
        self._fallback = fallback
        self._retry_interval_s = retry_interval_s
        self._clock = clock
        self.uuid = start.uuid
        self.session_id: int | None = None
        self._pending: list[ops.Op] = []
        self._failed_at: float | None = None  # monotonic time of the last failed write
        self._error: str = ""
        self._set_no = 0
        self._in_set = False
        self._seq = {"rep": 0, "event": 0, "poses": 0, "test": 0}
        self._finished = False
        self._write(start, force=True)

    # --- the live loop's calls ----------------------------------------------------------------

    def start_set(self, target_reps: int | None = None, side: str = "") -> int:
        """Open the next set; return its number (1-based). An open set is ended first."""
        if self._in_set:
            self.end_set()
        self._set_no += 1
        self._in_set = True
        self._seq["rep"] = self._seq["poses"] = 0
        self._write(ops.SetStart(self._set_no, target_reps, side, self._clock()))
        return self._set_no

    def add_rep(self, rep: Rep) -> None:
        """Record a finished rep or uncounted attempt, with its metrics and faults."""
        self._require_set()
        self._seq["rep"] += 1
        self._write(ops.RepAdded(self._set_no, self._seq["rep"], rep))

    def add_poses(self, frames: Sequence[PoseFrame]) -> None:
        """Record a chunk of the set's landmark track (call every second or so)."""
        self._require_set()
        if not frames:
            return
        self._seq["poses"] += 1
        self._write(ops.PosesAdded(self._set_no, self._seq["poses"], frames[0].timestamp_s,
                                   frames[-1].timestamp_s, len(frames), encode_chunk(frames)))

    def add_event(self, kind: str, time_s: float, detail: str = "") -> None:
        """Record a safety or tracking event: "fall_like", "camera_lost", "stopped_for_pain", ..."""
        self._seq["event"] += 1
        self._write(ops.EventAdded(self._seq["event"], kind, float(time_s), detail))

    def add_test_result(self, result) -> None:
        """Record a test score: a ``TestResult`` of the store, or one of ``exercises.validated_tests``
        (score/norm/trust/flags), which is converted (its norm text kept, no numeric band)."""
        if not isinstance(result, TestResult):
            result = _from_validated(result)
        self._seq["test"] += 1
        self._write(ops.TestAdded(self._seq["test"], result))

    def attach_video(self, relative_path: str) -> None:
        """Reference the session's video (stored under the media directory; only with opt-in)."""
        self._write(ops.VideoAttached(relative_path))

    def end_set(self) -> None:
        self._require_set()
        self._in_set = False
        self._write(ops.SetEnd(self._set_no, self._clock()), force=True)

    def finish(self, status: str = "complete") -> None:
        """Close the session. Raises ``StoreWriteError`` if data is still waiting for the database."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"status must be one of {FINAL_STATUSES}, got {status!r}")
        if self._finished:
            return
        if self._in_set:
            self.end_set()
        self._finished = True
        self._write(ops.SessionEnd(status, self._clock()), force=True)
        if self._pending:
            raise StoreWriteError(self.health.message, str(self._fallback.path) if self._fallback.path else None)

    def flush(self) -> bool:
        """Try again to write what is pending; True when nothing is left waiting."""
        self._try_commit()
        return not self._pending

    @property
    def health(self) -> RecorderHealth:
        if not self._pending:
            return RecorderHealth()
        where = (f"a copy is in {self._fallback.path}" if self._fallback.path
                 else "no fallback file could be written either: do not close the coach")
        msg = (f"Could not save to the database ({self._error}). {len(self._pending)} write(s) are held "
               f"in memory and will be saved when the database can be written again; {where}.")
        return RecorderHealth(False, msg, str(self._fallback.path) if self._fallback.path else None,
                              len(self._pending))

    def __enter__(self) -> "SessionRecorder":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # An exception in the live loop ends the session as "stopped", keeping everything so far.
        if not self._finished:
            self.finish("complete" if exc_type is None else "stopped")

    # --- internals ----------------------------------------------------------------------------

    def _require_set(self) -> None:
        if not self._in_set:
            raise RuntimeError("no set is open: call start_set() first")
        if self._finished:
            raise RuntimeError("the session is finished")

    def _write(self, op: ops.Op, force: bool = False) -> None:
        self._pending.append(op)
        if self._failed_at is not None and not force and \
                time.monotonic() - self._failed_at < self._retry_interval_s:
            if not self._fallback.append(op):
                self._fallback.write_all(self._pending, self._error)
            return
        self._try_commit()

    def _try_commit(self) -> None:
        if not self._pending:
            return
        try:
            with self._engine.begin() as conn:
                self.session_id = ops.apply(conn, self.uuid, self._pending, self._clock())
        except (SQLAlchemyError, OSError) as e:
            self._failed_at = time.monotonic()
            self._error = _short(e)
            path = self._fallback.write_all(self._pending, self._error)
            log.error("session %s: database write failed (%s); %d write(s) kept in memory%s", self.uuid,
                      self._error, len(self._pending), f" and in {path}" if path else "")
            return
        if self._failed_at is not None:
            log.warning("session %s: database writable again; %d held write(s) saved", self.uuid,
                        len(self._pending))
        self._pending.clear()
        self._failed_at = None
        self._error = ""
        self._fallback.discard()


def _from_validated(r) -> TestResult:
    notes = [r.interpretation]
    if getattr(r, "trust", "ok") != "ok":
        notes.append("low trust: tracking or protocol problem")
    if getattr(r, "flags", ()):
        notes.append("flags: " + ", ".join(r.flags))
    return TestResult(r.test, None if r.score is None else float(r.score), r.unit,
                      None, None, r.norm, "; ".join(n for n in notes if n))


def _short(e: BaseException) -> str:
    """The driver's own message without SQLAlchemy's SQL dump, e.g. "database is locked"."""
    orig = getattr(e, "orig", None)
    return str(orig or e).strip().splitlines()[0]
