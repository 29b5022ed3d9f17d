"""Throughput of the clinic's analysis queue (issue 20 item 2) with 1, 2 and 3 `coach worker` processes.

    eval "$(scripts/start_test_postgres.sh)"
    python bench/queue_throughput.py [--clips 12] [--workers 1 2 3]

For each worker count: a fresh queue of the same short synthetic uploads (sit-to-stand, 1-3 reps,
320x240, 15 fps, model lite), that many `coach worker --burst` processes, and the time until every
upload is done. Two figures: wall time from starting the workers (their start-up included: Python,
MediaPipe, the database) and the queue's own rate from the first job started to the last finished
(procrastinate's job events). Every count is checked against the generator's truth. The machine's
load average is printed beside them: on a shared machine the figures move with it.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def fresh_url(name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    base = os.environ.get("COACH_TEST_POSTGRES_URL")
    if not base:
        sys.exit("set COACH_TEST_POSTGRES_URL (eval \"$(scripts/start_test_postgres.sh)\")")
    admin = create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


def make_clips(folder: Path) -> list[tuple[Path, int]]:
    from coach.synth import ClipSpec, generate, write_clip

    out = []
    for reps in (1, 2, 3):
        path = folder / f"sts_{reps}.mp4"
        write_clip(generate(ClipSpec(exercise="sit-to-stand", view="side", reps=reps, fps=15, size=(320, 240),
                                     seed=reps, start_rest_s=1.0, end_rest_s=0.8)), path)
        out.append((path, json.loads(path.with_suffix(".json").read_text())["true_reps"]))
    return out


def run(n_workers: int, clips: list[tuple[Path, int]], n_clips: int, folder: Path) -> dict:
    from sqlalchemy import select, text

    from coach.store.store import Store
    from coach.work import items, queue

    url = fresh_url(f"coach_queue_bench_{n_workers}")
    store = Store.open(url, recover=False, backup_every=None)
    store.add_patient("P001")
    truth = {}
    for i in range(n_clips):
        path, reps = clips[i % len(clips)]
        truth[queue.enqueue(store, items.ANALYSIS, "P001", path.name,
                            {"exercise": "sit-to-stand", "side": "auto", "model": "lite"}, path.read_bytes(),
                            patient_id="P001")] = reps
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "coach.cli", "worker", "--db", url, "--burst", "--name", f"w{k}"],
                              stdout=(folder / f"w{n_workers}_{k}.log").open("w"), stderr=subprocess.STDOUT)
             for k in range(n_workers)]
    for p in procs:
        p.wait()
    wall = time.perf_counter() - t0
    with store.engine.connect() as conn:
        rows = conn.execute(select(items.work_items.c.id, items.work_items.c.state, items.work_items.c.result)).all()
        first, last = conn.execute(text(
            "SELECT min(at) FILTER (WHERE type = 'started'), max(at) FILTER (WHERE type = 'succeeded') "
            "FROM procrastinate_events")).one()
    wrong = [i for i, state, result in rows if state != items.DONE or result["counted"] != truth[i]]
    store.close()
    busy = (last - first).total_seconds()
    return {"workers": n_workers, "clips": n_clips, "wall_s": round(wall, 1), "queue_s": round(busy, 1),
            "clips_per_min": round(60 * n_clips / busy, 1), "wrong_or_missing": len(wrong),
            "load_avg_1m_at_start": round(load, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clips", type=int, default=12)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        clips = make_clips(folder)
        results = [run(n, clips, args.clips, folder) for n in args.workers]
    base = results[0]["clips_per_min"]
    for r in results:
        r["speed_up"] = round(r["clips_per_min"] / base, 2)
        print(json.dumps(r), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
