"""The upload page's queued path without a browser: the page's ``start`` queues the saved upload, a
worker's run (here in this process) finishes it, and the page reads state, progress and the result
from the database, as after a reload. A video that looks like another exercise is held unsaved
until the patient keeps it; kept, it is saved once."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from coach.app import jobs as jobs_mod
from coach.store import schema as t
from coach.store.store import Store
from coach.synth import ClipSpec, generate, write_clip
from coach.work import items, tasks
from coach.work.page_jobs import QueuedJobs

pytestmark = pytest.mark.model  # runs the pose model (a worker's analysis, in this process)


def _upload(folder: Path, exercise: str, view: str, reps: int) -> tuple[Path, int]:
    folder.mkdir()
    path = folder / "video.mp4"
    write_clip(generate(ClipSpec(exercise=exercise, view=view, reps=reps, fps=15, size=(320, 240), seed=reps,
                                 start_rest_s=1.0, end_rest_s=0.8)), path)
    return path, json.loads(path.with_suffix(".json").read_text())["true_reps"]


def _sessions(store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.sessions)).scalar()


def test_queued_upload_is_done_by_a_worker_and_read_by_the_page(tmp_path, queue_db_url):
    store = Store.open(queue_db_url, recover=False, backup_every=None)
    store.add_patient("P001")
    video, reps = _upload(tmp_path / "up", "sit-to-stand", "side", 2)
    page = QueuedJobs(store, model="lite")
    job = page.start(jobs_mod.Job("P001", video, video.parent, "my video.mp4", "sit-to-stand", "auto"))
    assert not video.parent.exists()  # the upload is in the database now, not on the app's disk
    assert job.state == jobs_mod.RUNNING and job.waiting and not job.finished
    assert tasks.run_analysis(store, job.item.id, "test") == items.DONE
    again = page.get("P001")  # a reload
    assert again.state == jobs_mod.DONE and again.progress == 1.0 and again.guess is None
    assert len(again.result.counted) == reps and again.result.exercise == "sit-to-stand"
    record = store.load_session(again.session_id)
    assert sum(r.counted for r in record.reps) == reps and record.summary.source == "upload:my video.mp4"
    assert len(store.load_poses(again.session_id)) > 0  # the landmark track, for the physio's replay
    assert not again.seen
    again.seen = True
    assert page.get("P001").seen
    assert tasks.run_analysis(store, job.item.id, "late duplicate") == "skipped"
    assert _sessions(store) == 1
    store.close()


def test_a_video_of_another_exercise_is_held_until_kept(tmp_path, queue_db_url):
    store = Store.open(queue_db_url, recover=False, backup_every=None)
    store.add_patient("P001")
    video, reps = _upload(tmp_path / "up", "sit-to-stand", "side", 3)
    page = QueuedJobs(store, model="lite")
    job = page.start(jobs_mod.Job("P001", video, video.parent, "v.mp4", "arm-raise", "auto"))
    assert tasks.run_analysis(store, job.item.id, "test") == items.HELD
    held = page.get("P001")
    assert held.state == jobs_mod.DONE and held.session_id is None and held.guess.likely == "sit-to-stand"
    assert _sessions(store) == 0  # nothing saved before the patient answers
    redo = page.again(held, held.guess.likely)  # "Check it as sit-to-stand"
    assert tasks.run_analysis(store, redo.item.id, "test") == items.DONE
    done = page.get("P001")
    assert len(done.result.counted) == reps and _sessions(store) == 1
    store.close()


def test_keeping_a_held_result_saves_it_once(queue_db_url):
    from datetime import datetime, timezone

    from coach.store import ops
    from coach.work import queue

    store = Store.open(queue_db_url, recover=False, backup_every=None)
    store.add_patient("P001")
    queue.ensure_schema(store.engine)
    now = datetime.now(timezone.utc)
    with store.engine.begin() as conn:
        item_id = items.add(conn, items.ANALYSIS, "P001", "v.mp4", {"exercise": "squat"}, b"video", "P001")
        items.claim(conn, item_id, "w1")
        held_ops = [ops.SessionStart(items.session_uuid(item_id), "P001", "squat", "upload:v.mp4", now, "h", 1, 3,
                                     "x", "y", {}, None), ops.SetStart(1, None, "", now),
                    ops.SessionEnd("complete", now)]
        assert items.hold(conn, item_id, {"counted": 0, "guess": {"likely": "sit-to-stand", "message": "m"}}, held_ops)
    job = QueuedJobs(store).get("P001")
    assert job.guess.likely == "sit-to-stand" and _sessions(store) == 0
    first = job.keep()
    assert job.keep() == first and job.session_id == first and job.guess is None  # a second click changes nothing
    assert _sessions(store) == 1 and store.load_session(first).summary.exercise == "squat"
    store.close()
