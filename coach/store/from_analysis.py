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
                  thresholds: dict[str, float] | None = None) -> int | None:
    """Record the analysis (with ``test_result``, a validated test's score, when given); return the
    new session id. An upload is saved even with no rep: the patient chose to send it. ``thresholds``:
    the exercise thresholds the analysis ran with (the programme's and any override), kept with it."""
    settings = {"side": result.side, "model": result.model, "mode": "upload", "fps": round(result.fps, 3)}
    if thresholds:
        settings["thresholds"] = dict(thresholds)
    if test_result is not None:
        settings.update(mode="test", test=test_result.test)
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
