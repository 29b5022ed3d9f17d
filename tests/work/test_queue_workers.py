"""Issue 20 item 2: three `coach worker` processes share a PostgreSQL-backed queue of 30 uploads;
one is killed (SIGKILL) in the middle of a job. Every upload must end done exactly once, with the
count the synthetic generator made (its truth, not an earlier run), and the killed job run twice.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.store import schema as t
from coach.store.store import Store
from coach.synth import ClipSpec, generate, write_clip
from coach.work import items, queue

UPLOADS = 30
WAIT_S = 900  # 30 short clips on a loaded 2-core machine


def _clips(folder: Path) -> list[tuple[Path, int]]:
    """Three short sit-to-stand clips (1, 2 and 3 reps): each uploaded ten times."""
    out = []
    for reps in (1, 2, 3):
        clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=reps, fps=15, size=(320, 240),
                                 seed=reps, start_rest_s=1.0, end_rest_s=0.8))
        path = folder / f"sts_{reps}.mp4"
        write_clip(clip, path)
        truth = json.loads(path.with_suffix(".json").read_text())
        out.append((path, truth["true_reps"]))
    return out


def _worker(url: str, name: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "coach.cli", "worker", "--db", url, "--name", name, "--heartbeat", "1",
         "--stalled-after", "5", "--sweep-every", "1"],
        stdout=log.open("w"), stderr=subprocess.STDOUT, env={**os.environ, "COACH_DATA_DIR": str(log.parent / name)})


def _items(store) -> list[items.Item]:
    with store.engine.connect() as conn:
        ids = conn.execute(select(items.work_items.c.id)).scalars().all()
        return [items.get(conn, i) for i in ids]


def test_three_workers_one_killed_every_upload_done_once(tmp_path, queue_db_url):
    store = Store.open(queue_db_url, recover=False, backup_every=None)
    store.add_patient("P001", age=70, condition="stroke")
    clips = _clips(tmp_path)
    expected: dict[str, int] = {}
    for i in range(UPLOADS):
        path, reps = clips[i % len(clips)]
        item_id = queue.enqueue(store, items.ANALYSIS, "P001", path.name,
                                {"exercise": "sit-to-stand", "side": "auto", "model": "lite"},
                                path.read_bytes(), patient_id="P001")
        expected[item_id] = reps
    workers = {name: _worker(queue_db_url, name, tmp_path / f"{name}.log") for name in ("w1", "w2", "w3")}
    killed_item = None
    try:
        deadline = time.monotonic() + WAIT_S
        while killed_item is None and time.monotonic() < deadline:  # w1 in the middle of a job
            busy = [it for it in _items(store) if it.state == items.RUNNING and it.worker == "w1" and it.progress >= 0.2]
            if busy and len([it for it in _items(store) if it.finished]) >= 3:
                workers["w1"].send_signal(signal.SIGKILL)
                workers["w1"].wait(30)
                killed_item = busy[0].id
            time.sleep(0.2)
        assert killed_item is not None, (tmp_path / "w1.log").read_text()[-3000:]
        while time.monotonic() < deadline and not all(it.finished for it in _items(store)):
            time.sleep(1.0)
    finally:
        for proc in workers.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in workers.values():
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                proc.kill()
    logs = "\n".join((tmp_path / f"{n}.log").read_text()[-2000:] for n in workers)
    final = {it.id: it for it in _items(store)}
    assert [it.state for it in final.values()].count(items.DONE) == UPLOADS, logs
    assert final[killed_item].runs == 2  # the killed job was retried once
    assert all(it.runs == 1 for i, it in final.items() if i != killed_item), logs
    assert len({it.worker for it in final.values()} - {"w1"}) == 2  # the others shared the rest
    with store.engine.connect() as conn:
        n_sessions = conn.execute(select(func.count()).select_from(t.sessions)).scalar()
        by_uuid = dict(conn.execute(select(t.sessions.c.uuid, t.sessions.c.id)).all())
    assert n_sessions == UPLOADS  # written once each, the killed job's included
    for item_id, reps in expected.items():
        it = final[item_id]
        assert by_uuid[items.session_uuid(item_id)] == it.session_id
        record = store.load_session(it.session_id)
        assert record.summary.status == "complete"
        assert sum(r.counted for r in record.reps) == reps == it.result["counted"], (it.name, it.result)
    app = queue.make_app(queue_db_url, sync=True)
    with app.open():
        jobs = list(app.job_manager.list_jobs())
    assert len(jobs) == UPLOADS and all(j.status == "succeeded" for j in jobs), [(j.id, j.status) for j in jobs]
    store.close()


@pytest.mark.parametrize("state", [items.DONE, items.FAILED])
def test_a_finished_item_is_not_run_again(queue_db_url, state):
    """A job delivered twice (or retried after its result was written) changes nothing."""
    store = Store.open(queue_db_url, recover=False, backup_every=None)
    store.add_patient("P001")
    queue.ensure_schema(store.engine)
    with store.engine.begin() as conn:
        item_id = items.add(conn, items.ANALYSIS, "P001", "x.mp4", {"exercise": "squat"}, b"not a video", "P001")
        assert items.claim(conn, item_id, "w1") is not None
        if state == items.DONE:
            assert items.finish(conn, item_id, {"counted": 0})
            assert not items.finish(conn, item_id, {"counted": 0})  # a second write is refused
        else:
            items.fail(conn, item_id, "bad")
        assert items.claim(conn, item_id, "w2") is None
        assert items.get(conn, item_id).runs == 1
    store.close()


def test_a_job_stalled_twice_fails_instead_of_looping(queue_db_url):
    store = Store.open(queue_db_url, recover=False, backup_every=None)
    queue.ensure_schema(store.engine)
    with store.engine.begin() as conn:
        item_id = items.add(conn, items.ANALYSIS, "practice", "x.mp4", {"exercise": "squat"}, b"x")
        for worker in ("w1", "w2"):
            assert items.claim(conn, item_id, worker) is not None
        assert items.claim(conn, item_id, "w3") is None
        item = items.get(conn, item_id)
    assert item.state == items.FAILED and "stopped 2 times" in item.error
    store.close()
