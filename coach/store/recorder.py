"""``SessionRecorder``: what the live loop calls per set, rep, event and chunk of frames.

Real-time work never waits on the database. Each call appends its write to the session's durable
local journal (``coach.store.fallback``: flushed to the OS before the call returns, so ``kill -9``
loses nothing acknowledged) and hands it to the recorder's own writer thread, which commits to the
database in batches. A hung (SIGSTOPped) PostgreSQL or a locked SQLite file only makes the writer
wait and retry: ``health`` tells the UI how far behind saving is, and everything is saved when the
database answers again. ``finish`` waits a while for the writer; if the database still has not taken
everything it raises ``StoreWriteError`` naming the journal, which the next ``Store.open`` replays.

No junk sessions: nothing reaches the database (or the journal) until the first rep or attempt,
a test result or a possible fall is recorded. A session ended before that leaves no trace
(``recorded`` stays False).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone

from sqlalchemy.engine import Engine

from coach.pose.frame import PoseFrame
from coach.store import ops
from coach.store.errors import StoreWriteError, driver_message
from coach.store.fallback import FallbackWriter
from coach.store.poses import encode_chunk
from coach.store.records import RecorderHealth, TestResult
from exercises.base import Rep

log = logging.getLogger(__name__)
# "stopped": ended early (on purpose, or the plan not finished); "interrupted": the patient went away
# (a closed browser tab, a camera that never came back)
FINAL_STATUSES = ("complete", "stopped", "interrupted")
LAG_WARN_S = 5.0  # saving this far behind is worth telling the patient/physio
FINISH_WAIT_S = 10.0  # at the end, wait this long for the database before naming the journal
HEARTBEAT_S = 15.0  # well inside Store.mark_stale's 60 s
# A possible fall, or a loss of balance during a hold, is recorded even before the first rep.
MATERIALISING_EVENTS = ("fall_like", "balance_loss")


def _now() -> datetime:
    return datetime.now(timezone.utc)


class SessionRecorder:
    """Records one session; get one from ``Store.start_session``."""

    def __init__(self, engine: Engine, start: ops.SessionStart, fallback: FallbackWriter,
                 retry_interval_s: float = 1.0, clock: Callable[[], datetime] = _now, *, lazy: bool = True,
                 lag_warn_s: float = LAG_WARN_S, finish_wait_s: float = FINISH_WAIT_S):
        self._engine = engine
        self._fallback = fallback
        self._retry_interval_s = retry_interval_s
        self._clock = clock
        self._lag_warn_s = lag_warn_s
        self._finish_wait_s = finish_wait_s
        self._start = start
        self.uuid = start.uuid
        self.patient_id = start.patient_id
        self.session_id: int | None = None
        self._held: list[ops.Op] = []  # before the first rep: in memory only
        self._recorded = False
        self._cv = threading.Condition()
        self._queue: list[ops.Op] = []  # journaled, not yet in the database
        self._queued_at: list[float] = []  # monotonic time each queued op was made
        self._error = ""
        self._wake = False
        self._thread: threading.Thread | None = None
        self._journal_ok = True
        self._journal_lock = threading.Lock()  # appends (live loop) and rewrites (writer thread)
        self._set_starts: list[ops.SetStart] = []  # a rewritten journal needs them before the pending writes
        self._journal_retry_at = 0.0
        self._set_no = 0
        self._in_set = False
        self._seq = {"rep": 0, "event": 0, "poses": 0, "test": 0}
        self._finished = False
        self._abandoned = False
        self._last_beat = time.monotonic()
        if not lazy:
            self._materialise()

    @property
    def recorded(self) -> bool:
        """True once the session exists (in the journal, and in the database when it answers)."""
        return self._recorded

    # --- the live loop's calls ----------------------------------------------------------------

    def start_set(self, target_reps: int | None = None, side: str = "") -> int:
        """Open the next set; return its number (1-based). An open set is ended first."""
        if self._in_set:
            self.end_set()
        self._set_no += 1
        self._in_set = True
        self._seq["rep"] = self._seq["poses"] = 0
        start = ops.SetStart(self._set_no, target_reps, side, self._clock())
        self._set_starts.append(start)
        self._write(start)
        return self._set_no

    def add_rep(self, rep: Rep) -> None:
        """Record a finished rep or uncounted attempt, with its metrics and faults."""
        self._require_set()
        self._seq["rep"] += 1
        self._write(ops.RepAdded(self._set_no, self._seq["rep"], rep), materialise=True)

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
        self._write(ops.EventAdded(self._seq["event"], kind, float(time_s), detail),
                    materialise=kind in MATERIALISING_EVENTS)

    def heartbeat(self) -> None:
        """Call every frame: a still-running session touches its database row now and then, so one
        whose browser tab closed goes silent and ``Store.mark_stale`` ends it as interrupted."""
        now = time.monotonic()
        if self._recorded and not self._finished and now - self._last_beat >= HEARTBEAT_S:
            self._last_beat = now
            with self._cv:
                if not self._queue:  # anything queued touches the row anyway
                    self._queue.append(ops.Heartbeat())
                    self._queued_at.append(now)
                    self._cv.notify_all()

    def add_test_result(self, result: TestResult) -> None:
        """Record a validated-test result (``exercises.validated_tests.TestResult``)."""
        if not isinstance(result, TestResult):
            raise TypeError(f"expected a TestResult, got {type(result).__name__}")
        from exercises.validated_tests import implausible

        why = implausible(result)
        if why:
            raise ValueError(f"not stored: {why}")
        self._seq["test"] += 1
        self._write(ops.TestAdded(self._seq["test"], result), materialise=True)

    def attach_video(self, relative_path: str) -> None:
        """Reference the session's video (stored under the media directory; only with opt-in)."""
        self._write(ops.VideoAttached(relative_path))

    def end_set(self) -> None:
        self._require_set()
        self._in_set = False
        self._write(ops.SetEnd(self._set_no, self._clock()))

    def finish(self, status: str = "complete") -> None:
        """Close the session. A session with nothing recorded is dropped without a trace. Raises
        ``StoreWriteError`` naming the journal if the database has not taken everything in time."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"status must be one of {FINAL_STATUSES}, got {status!r}")
        if self._finished:
            return
        if self._in_set:
            self.end_set()
        self._finished = True
        if not self._recorded:
            self._held.clear()
            return
        self._write(ops.SessionEnd(status, self._clock()))
        if not self.flush(self._finish_wait_s):
            raise StoreWriteError(self.health.message, str(self._fallback.path) if self._fallback.path else None)
        if self._thread is not None:
            self._thread.join(timeout=5.0)  # it removes the journal on its way out

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Ask the writer to try now and wait up to ``timeout_s``; True when nothing is left waiting."""
        with self._cv:
            self._wake = True
            self._cv.notify_all()
            self._cv.wait_for(lambda: not self._queue, timeout=timeout_s)
            return not self._queue

    @property
    def journal(self) -> tuple[str | None, bool]:
        """The local journal (None: there is none) and whether it holds everything the database has
        not taken yet (False: only the part written before the disk filled; the rest is in memory)."""
        with self._journal_lock:
            path = self._fallback.path
            return (str(path) if path else None), bool(path) and self._journal_ok

    def abandon(self) -> None:
        """Stop the writer and unlock the journal without finishing: what a crash leaves behind.
        The next ``Store.open`` replays the journal and marks the session interrupted."""
        with self._cv:
            self._abandoned = self._finished = True
            self._queue.clear()
            self._queued_at.clear()
            self._cv.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._fallback.release()

    @property
    def health(self) -> RecorderHealth:
        with self._cv:
            pending = len(self._queue)
            lag = time.monotonic() - self._queued_at[0] if pending else 0.0
            error = self._error
        if not pending or (not error and lag < self._lag_warn_s):
            return RecorderHealth(pending=pending, lag_s=lag)
        path = self._fallback.path if self._journal_ok else None
        part = self._fallback.path if not self._journal_ok else None
        where = (f"a copy is in {path}" if path
                 else f"only the part before that is in {part}: do not close the coach" if part
                 else "no fallback file could be written either: do not close the coach")
        why = (f"The disk is full: free some space (delete old videos or downloads) ({error})"
               if "full" in error else f"Could not save to the database ({error})") if error else \
            f"Saving to the database is {lag:.0f} s behind (the database is not answering)"
        msg = (f"{why}. {pending} write(s) are held and will be saved when the database can be written "
               f"again; {where}.")
        return RecorderHealth(False, msg, str(path) if path else None, pending, lag)

    def __enter__(self) -> "SessionRecorder":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        # An exception in the live loop ends the session as "stopped", keeping everything so far.
        if not self._finished:
            self.finish("complete" if exc_type is None else "stopped")

    # --- internals ----------------------------------------------------------------------------

    def _require_set(self) -> None:
        if self._finished:
            raise RuntimeError("the session is finished")
        if not self._in_set:
            raise RuntimeError("no set is open: call start_set() first")

    def _write(self, op: ops.Op, materialise: bool = False) -> None:
        if not self._recorded:
            self._held.append(op)
            if materialise:
                self._materialise()
            return
        self._enqueue([op])

    def _materialise(self) -> None:
        self._recorded = True
        batch, self._held = [self._start, *self._held], []
        self._journal_ok = self._fallback.write_all(batch, "journal") is not None
        if not self._journal_ok:
            log.error("session %s: no place for the local journal; writes are kept in memory only", self.uuid)
        self._enqueue(batch, journaled=True)
        self._thread = threading.Thread(target=self._run, name=f"store-writer-{self.uuid[:8]}", daemon=True)
        self._thread.start()

    def _enqueue(self, batch: list[ops.Op], journaled: bool = False) -> None:
        with self._journal_lock:
            if not journaled and self._journal_ok:
                for op in batch:
                    if not self._fallback.append(op):
                        self._journal_ok = False
            now = time.monotonic()
            with self._cv:
                self._queue.extend(batch)
                self._queued_at.extend([now] * len(batch))
                self._cv.notify_all()
        if not self._journal_ok:
            self._rejournal()

    def _rejournal(self, every_s: float = 5.0) -> None:
        """The journal could not be written (a full disk): write it afresh with everything the
        database has not taken yet (the fallback uses the space kept in reserve), at most every
        ``every_s``; until then the writes are held in memory."""
        now = time.monotonic()
        if self._journal_ok or self._abandoned or now < self._journal_retry_at:
            return
        self._journal_retry_at = now + every_s
        with self._journal_lock:
            with self._cv:
                pending = [op for op in self._queue if not isinstance(op, (ops.SessionStart, ops.SetStart))]
            batch = [self._start, *self._set_starts, *pending]
            self._journal_ok = self._fallback.write_all(batch, "rewritten after a failed write") is not None
        if self._journal_ok:
            log.warning("session %s: the journal was written again (%d writes held)", self.uuid, len(pending))

    def _run(self) -> None:
        """The writer thread: commit what is queued, retry on failure, end once finished and empty."""
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._queue or self._finished, timeout=1.0)
                if not self._queue:
                    if self._finished:
                        break
                    continue
                batch = list(self._queue)
                self._wake = False
            self._fallback.sync()
            try:
                with self._engine.begin() as conn:
                    session_id = ops.apply(conn, self.uuid, batch, self._clock(), revive=True)
            except Exception as e:  # noqa: BLE001 - whatever it is, the writes stay queued and journaled
                first = not self._error
                with self._cv:
                    self._error = driver_message(e)
                    if first:
                        log.error("session %s: database write failed (%s); %d write(s) held in %s", self.uuid,
                                  self._error, len(self._queue), self._fallback.path or "memory")
                    self._cv.wait_for(lambda: self._wake or self._abandoned, timeout=self._retry_interval_s)
                self._rejournal()
                continue
            with self._cv:
                if self._abandoned:
                    return
                if self._error:
                    log.warning("session %s: database writable again; %d held write(s) saved", self.uuid, len(batch))
                del self._queue[:len(batch)]
                del self._queued_at[:len(batch)]
                self.session_id = session_id
                self._error = ""
                self._cv.notify_all()
        if self._journal_ok and not self._abandoned:
            self._fallback.discard()
