"""Saves an uploaded video's analysis as a session of the patient (one set), like a live session.

The annotated video is kept with the session only when the patient agreed to video recording
(``Store.video_path_for`` says where); otherwise only the numbers and landmarks are stored.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

from coach.analysis import AnalysisResult

POSE_CHUNK = 30  # landmark frames per stored chunk


def save_analysis(store, patient_id: str, result: AnalysisResult, display_name: str,
                  programme_version: int | None = None, test_result=None,
                  thresholds: dict[str, float] | None = None, dual_task: str = "") -> int | None:
    """Record the analysis (with ``test_result``, a validated test's score, when given); return the
    new session id. An upload is saved even with no rep: the patient chose to send it. ``thresholds``:
    the exercise thresholds the analysis ran with (the programme's and any override), kept with it.
    ``dual_task``: the thinking task the set was done with (``exercises.dual_task``), kept in its settings."""
    settings = upload_settings(result, test_result, thresholds)
    if dual_task:
        settings["dual_task"] = dual_task
    recorder = store.start_session(
        patient_id, result.exercise, source=f"upload:{display_name}", settings=settings,
        programme_version=programme_version, started_at=datetime.now(timezone.utc), lazy=False)
    recorder.start_set(target_reps=None, side=result.side)
    for rep in result.reps:
        recorder.add_rep(rep)
    if result.poses is not None:
        frames = list(result.poses)
        for i in range(0, len(frames), POSE_CHUNK):
            recorder.add_poses(frames[i:i + POSE_CHUNK])
    for warning in result.warnings:
        recorder.add_event("warning", 0.0, warning)
    recorder.end_set()
    if test_result is not None:
        recorder.add_test_result(test_result)
    if result.annotated_video is not None:
        target = store.video_path_for(recorder)
        if target is not None and result.annotated_video.exists():
            path, relative = target
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(result.annotated_video, path)
            recorder.attach_video(relative)
    recorder.finish("complete")
    return recorder.session_id


def upload_settings(result: AnalysisResult, test_result=None, thresholds: dict[str, float] | None = None) -> dict:
    """What an uploaded video's session keeps in its settings."""
    settings = {"side": result.side, "model": result.model, "mode": "upload", "fps": round(result.fps, 3)}
    if thresholds:
        settings["thresholds"] = dict(thresholds)
    if test_result is not None:
        settings.update(mode="test", test=test_result.test)
    return settings


def analysis_ops(result: AnalysisResult, session_uuid: str, patient_id: str, display_name: str,
                 programme_version: int | None = None) -> list:
    """The same session as ``save_analysis`` writes (one set, its reps, landmarks and warnings), as
    ``coach.store.ops`` values for one transaction (``ops.apply``): an analysis worker writes its
    result this way, keyed by ``session_uuid``, so a retried job stores it once. No video is kept."""
    import json
    import os
    import socket

    from coach.store import ops
    from coach.store.poses import encode_chunk
    from coach.store.schema import SCHEMA_VERSION
    from coach.store.versions import app_version
    from exercises import ALGORITHM_VERSION

    now = datetime.now(timezone.utc)
    out: list = [ops.SessionStart(
        uuid=session_uuid, patient_id=patient_id, exercise=result.exercise, source=f"upload:{display_name}",
        started_at=now, host=socket.gethostname(), pid=os.getpid(), schema_version=SCHEMA_VERSION,
        app_version=app_version(), algorithm_version=ALGORITHM_VERSION,
        settings=json.loads(json.dumps(upload_settings(result), default=str)), programme_version=programme_version),
        ops.SetStart(1, None, result.side, now)]
    out += [ops.RepAdded(1, i, rep) for i, rep in enumerate(result.reps, start=1)]
    frames = list(result.poses) if result.poses is not None else []
    for seq, i in enumerate(range(0, len(frames), POSE_CHUNK), start=1):
        chunk = frames[i:i + POSE_CHUNK]
        out.append(ops.PosesAdded(1, seq, chunk[0].timestamp_s, chunk[-1].timestamp_s, len(chunk), encode_chunk(chunk)))
    out += [ops.EventAdded(i, "warning", 0.0, w) for i, w in enumerate(result.warnings, start=1)]
    out += [ops.SetEnd(1, now), ops.SessionEnd("complete", now)]
    return out
