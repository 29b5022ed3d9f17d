"""Subprocess for test_crash: records reps as fast as it can until it is killed.

Prints "rep N" after each rep's call returned, i.e. after the rep was committed.
"""
from __future__ import annotations

import sys
from pathlib import Path

from coach.store import Store
from tests.store.factories import make_frames, make_rep


def main(url: str, fallback_dir: str) -> None:
    store = Store.open(url, recover=False, fallback_dirs=[Path(fallback_dir)])
    rec = store.start_session("P001", "sit-to-stand", "camera:0", {"run": "crash-test"})
    rec.start_set(target_reps=10_000)
    print(f"session {rec.session_id}", flush=True)
    i = 0
    while True:
        i += 1
        rec.add_rep(make_rep(i, faults=("trunk_flexion",) if i % 3 == 0 else ()))
        rec.add_poses(make_frames(3.0 * i, 30, seed=i))
        print(f"rep {i}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
