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
                  programme_version: int | None = None) -> int | None:
    """Record the analysis; return the new session id."""
    recorder = store.start_session(
        patient_id, result.exercise, source=f"upload:{display_name}",
        settings={"side": result.side, "model": result.model, "mode": "upload", "fps": round(result.fps, 3)},
        programme_version=programme_version, started_at=datetime.now(timezone.utc))
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
    if result.annotated_video is not None and recorder.session_id is not None:
        target = store.video_path_for(recorder.session_id)
        if target is not None and result.annotated_video.exists():
            path, relative = target
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(result.annotated_video, path)
            recorder.attach_video(relative)
    recorder.finish("complete")
    return recorder.session_id
