"""kill -9 in the middle of a set: the session reopens as "interrupted" with every committed rep."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from coach.store import Store

REPO = Path(__file__).resolve().parents[2]
WRITER = Path(__file__).with_name("_crash_writer.py")


def test_kill_9_mid_set_keeps_every_acknowledged_rep(store, db_url, fallback_dir):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, str(WRITER), db_url, str(fallback_dir)],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=REPO)
    acknowledged = 0
    deadline = time.monotonic() + 30
    try:
        for line in proc.stdout:
            if line.startswith("rep "):
                acknowledged = int(line.split()[1])
            if acknowledged >= 25 or time.monotonic() > deadline:
                break
        proc.send_signal(signal.SIGKILL)  # mid-set, probably mid-write: the writer never pauses
    finally:
        proc.wait(timeout=10)  # reaped, so its pid is really gone
    assert proc.returncode == -signal.SIGKILL
    assert acknowledged >= 25, "writer did not get going"

    with Store.open(db_url, fallback_dirs=[fallback_dir]) as reopened:
        [summary] = reopened.sessions("P001")
        assert summary.status == "interrupted"
        record = reopened.load_session(summary.id)
        indices = [r.index for r in record.reps]
        # Every rep the writer saw committed is there, in order, and nothing is half-written.
        assert indices == list(range(1, len(indices) + 1))
        assert len(indices) >= acknowledged
        assert record.reps[2].fault_codes == ["trunk_flexion"]
        assert record.sets[0].ended_at is None  # the set was cut off, and says so
        assert record.summary.ended_at is not None  # its last write
        track = reopened.load_poses(summary.id)
        assert len(track) in (30 * len(indices), 30 * (len(indices) - 1))
