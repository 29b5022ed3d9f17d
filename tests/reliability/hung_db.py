"""A stand-in for the live loop at camera rate, recording through a ``SessionRecorder`` while the
database hangs: how many frames were late, how long the recorder calls took, what health said.

Used by ``test_hung_database`` and, with longer outages, to measure (``python -m
tests.reliability.hung_db sqlite|postgresql SECONDS``).
"""
from __future__ import annotations

import os
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.store.factories import make_frames, make_rep


@dataclass
class LoopReport:
    frames: int = 0
    late_frames: int = 0  # the loop was more than one frame interval behind the camera
    reps_sent: int = 0
    max_call_ms: float = 0.0  # longest time one frame spent in recorder calls
    warnings: list[str] = field(default_factory=list)  # health messages seen (first of each kind)


def run_loop(recorder, seconds: float, fps: float = 30.0, rep_every_s: float = 1.0, at=None) -> LoopReport:
    """Frames at ``fps`` for ``seconds``: a rep every ``rep_every_s``, landmarks every second,
    heartbeat and health every frame (what ``RecorderSink`` and ``LiveSession`` do). ``at(t)`` is
    called each frame (to stop and resume the database)."""
    report = LoopReport()
    dt = 1.0 / fps
    recorder.start_set(10_000)
    start = time.monotonic()
    per_rep = int(round(rep_every_s * fps))
    for k in range(int(seconds * fps)):
        due = start + k * dt
        now = time.monotonic()
        if now < due:
            time.sleep(due - now)
        elif now - due > dt:
            report.late_frames += 1
        if at is not None:
            at(k * dt)
        c0 = time.monotonic()
        if k and k % per_rep == 0:
            report.reps_sent += 1
            recorder.add_rep(make_rep(report.reps_sent))
        if k and k % int(fps) == 0:
            recorder.add_poses(make_frames(k * dt, int(fps), fps=fps, seed=k))
        recorder.heartbeat()
        health = recorder.health
        report.max_call_ms = max(report.max_call_ms, (time.monotonic() - c0) * 1000.0)
        if not health.ok and (not report.warnings or report.warnings[-1][:30] != health.message[:30]):
            report.warnings.append(health.message)
        report.frames += 1
    return report


def postgres_pids(data_dir: Path) -> list[int]:
    """The postmaster and every process it started (SIGSTOP on the postmaster alone leaves the
    backends serving)."""
    master = int((data_dir / "postmaster.pid").read_text().split()[0])
    pids = [master]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


class Hang:
    """Stops the database from ``t0`` to ``t1`` seconds of loop time; ``release()`` always resumes."""

    def __init__(self, kind: str, t0: float, t1: float, target):
        self.kind, self.t0, self.t1, self.target = kind, t0, t1, target
        self._held = None

    def __call__(self, t: float) -> None:
        if self._held is None and self.t0 <= t < self.t1:
            self._hold()
        elif self._held is not None and t >= self.t1:
            self.release()

    def _hold(self) -> None:
        if self.kind == "sqlite":
            locker = sqlite3.connect(self.target, isolation_level=None)
            locker.execute("BEGIN EXCLUSIVE")
            self._held = locker
        else:
            pids = postgres_pids(self.target)
            for pid in pids:
                os.kill(pid, signal.SIGSTOP)
            self._held = pids

    def release(self) -> None:
        if self._held is None:
            return
        if self.kind == "sqlite":
            self._held.execute("ROLLBACK")
            self._held.close()
        else:
            for pid in self._held:
                try:
                    os.kill(pid, signal.SIGCONT)
                except ProcessLookupError:
                    pass
        self._held = None


def main(kind: str, hang_s: float) -> None:  # pragma: no cover - a measuring tool
    import tempfile

    from coach.store import Store

    tmp = Path(tempfile.mkdtemp())
    url = f"sqlite:///{tmp / 'coach.db'}" if kind == "sqlite" else os.environ["COACH_TEST_POSTGRES_URL"]
    target = tmp / "coach.db" if kind == "sqlite" else Path(os.environ["COACH_TEST_POSTGRES_DATA"])
    store = Store.open(url, fallback_dirs=[tmp / "journal"])
    if not store.patients():
        store.add_patient("P001")
    rec = store.start_session("P001", "sit-to-stand")
    hang = Hang(kind, 2.0, 2.0 + hang_s, target)
    try:
        report = run_loop(rec, hang_s + 6.0, at=hang)
    finally:
        hang.release()
    t0 = time.monotonic()
    rec.finish()
    record = store.load_session(rec.session_id)
    print(f"{kind}: hung {hang_s:.0f} s; frames {report.frames}, late {report.late_frames}; longest recorder "
          f"time in one frame {report.max_call_ms:.1f} ms; reps sent {report.reps_sent}, stored "
          f"{len(record.reps)}; status {record.summary.status}; finish took {time.monotonic() - t0:.1f} s; "
          f"warned: {report.warnings[:1]}")


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1], float(sys.argv[2]))
