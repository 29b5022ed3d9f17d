"""What a worker does with one job: analyse an uploaded video, or import a patient's shared file.

Both read their file from the work item (so any machine with the database can run them), report
progress into it, and write their result once (``items.finish``). A video that cannot be analysed,
or a file that cannot be imported, fails its item with the reason the page shows; the job itself
succeeds (it must not be retried). Only a worker that dies mid-job leaves it to be retried.
Queued analyses make no annotated video: the physio replays the landmark track in *Session review*.
"""
from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

from coach.work import items

log = logging.getLogger(__name__)
PROGRESS_EVERY_S = 0.5


def analysis_task(context, item_id: str) -> None:
    run_analysis(context.additional_context["store"], item_id, context.additional_context.get("worker", ""))


def bundle_task(context, item_id: str) -> None:
    run_bundle_import(context.additional_context["store"], item_id, context.additional_context.get("worker", ""))


def run_analysis(store, item_id: str, worker: str = "") -> str:
    """Analyse one queued upload; return the item's final state."""
    from coach.analysis import analyze_video
    from coach.app import recognise
    from coach.labels import exercise as exercise_label
    from coach.store.from_analysis import analysis_ops
    from coach.store.repcodec import rep_to_json

    claimed = _claim(store, item_id, worker)
    if claimed is None:
        return "skipped"
    item, payload = claimed
    params = item.params
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if total and now - last[0] >= PROGRESS_EVERY_S:
            last[0] = now
            with store.engine.begin() as conn:
                items.set_progress(conn, item_id, min(0.99, done / total))

    with tempfile.TemporaryDirectory(prefix="coach-work-") as tmp:
        video = Path(tmp) / f"video{Path(item.name).suffix.lower() or '.mp4'}"
        video.write_bytes(payload)
        try:
            result = analyze_video(video, params["exercise"], side=params.get("side", "auto"),
                                   model=params.get("model", "full"), progress=progress)
        except Exception as exc:  # noqa: BLE001 - a bad video: the page says why, the job is not retried
            return _fail(store, item_id, str(exc).replace(str(video), item.name))
    guess = recognise.check(result.poses, result.exercise, counted=len(result.counted)) if params.get("query", True) else None
    summary = {"exercise": result.exercise, "side": result.side, "reps": [rep_to_json(r) for r in result.reps],
               "counted": len(result.counted), "warnings": list(result.warnings), "duration_s": result.duration_s,
               "frames": result.frames, "pose_coverage": result.pose_coverage,
               "guess": {"likely": guess.likely, "message": guess.message(exercise_label)} if guess else None}
    session_ops = (analysis_ops(result, items.session_uuid(item_id), item.patient_id, item.name)
                   if item.patient_id else None)
    with store.engine.begin() as conn:
        if guess is not None:
            done = items.hold(conn, item_id, summary, session_ops or [])
            state = items.HELD
        else:
            done = items.finish(conn, item_id, summary, session_ops)
            state = items.DONE
    return state if done else "skipped"


def run_bundle_import(store, item_id: str, worker: str = "") -> str:
    """Import one queued share bundle (``coach.store.bundle.import_bundle``: one transaction, and a
    session already imported is never added twice, so a retried import adds nothing twice)."""
    from coach.app.pages.patients import import_message
    from coach.store import bundle

    claimed = _claim(store, item_id, worker)
    if claimed is None:
        return "skipped"
    item, payload = claimed
    with tempfile.TemporaryDirectory(prefix="coach-work-") as tmp:
        path = Path(tmp) / "bundle.zip"
        path.write_bytes(payload)
        try:
            outcome = bundle.import_bundle(store, path, as_patient=item.params.get("as_patient") or None)
        except Exception as exc:  # noqa: BLE001 - a bad or foreign file: the page says why
            return _fail(store, item_id, str(exc).replace(str(path), item.name))
    with store.engine.begin() as conn:
        done = items.finish(conn, item_id, {"message": import_message(outcome)})
    return items.DONE if done else "skipped"


def _claim(store, item_id: str, worker: str):
    with store.engine.begin() as conn:
        claimed = items.claim(conn, item_id, worker)
    if claimed is None:
        log.info("work item %s: nothing to do (finished already)", item_id)
    return claimed


def _fail(store, item_id: str, error: str) -> str:
    with store.engine.begin() as conn:
        items.fail(conn, item_id, error)
    return items.FAILED
