"""The Timed Up and Go of a video file, timed on the patient: ``time_tug_video(path)``.

One answer for every caller (``coach test timed-up-and-go``, ``coach evaluate``): the pose model
asked for up to ``TUG_NUM_POSES`` people (only here: the default tracker follows one person, see
``coach.pose.estimator``), the patient picked among them (``coach.pose.patient``: the person
seated at the start, followed through the walk, the turn and a partial exit at the picture's
edge; never the most visible person), their poses smoothed and timed by ``exercises.tug``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coach.pose.frame import PoseFrame, PoseSeries
from coach.pose.patient import PatientTrack, follow_patient
from exercises.tug import TugResult, time_up_and_go

TUG_NUM_POSES = 3  # a patient, a carer alongside and a passer-by


def tug_estimator(model: str = "full"):
    """The pose model for a TUG recording: several people, every pose kept for the chooser."""
    from coach.pose.estimator import PoseEstimator

    return PoseEstimator(model=model, mode="video", num_poses=TUG_NUM_POSES, people_check_interval_s=0,
                         keep_people=True)


def patient_poses(people: list[list[PoseFrame]], timestamps_s) -> tuple[PatientTrack, list[PoseFrame]]:
    """The patient's track and their smoothed poses (one per frame; empty where not seen)."""
    from coach.smoothing import PoseSmoother

    track = follow_patient(people, timestamps_s)
    smoother = PoseSmoother()
    return track, [smoother.apply(p) for p in track.poses]


@dataclass
class TugVideo:
    """``time_up_and_go``'s result on the patient, with ``end_s`` (buttocks back on the seat)."""

    timing: TugResult
    track: PatientTrack
    poses: PoseSeries  # the patient's raw poses

    @property
    def start_s(self) -> float | None:
        return self.timing.start_s

    @property
    def end_s(self) -> float | None:
        return self.timing.seated_s

    @property
    def time_s(self) -> float | None:
        return self.timing.time_s

    @property
    def problem(self) -> str:
        return self.track.problem or self.timing.problem


def time_tug_video(path: str | Path, model: str = "full") -> TugVideo:
    """Time the TUG in the video at ``path`` on the patient (see the module doc)."""
    from coach.analysis import analyze_video

    estimator = tug_estimator(model)
    try:
        analysis = analyze_video(path, "sit-to-stand", model=model, estimator=estimator)
    finally:
        estimator.close()
    return tug_from_people(estimator.people_per_frame, analysis.poses.timestamps_s, analysis.poses.size)


def tug_from_people(people: list[list[PoseFrame]], timestamps_s, size) -> TugVideo:
    track, smoothed = patient_poses(people, timestamps_s)
    timing = time_up_and_go(smoothed) if not track.problem else TugResult(None, problem=track.problem)
    return TugVideo(timing, track, PoseSeries.from_frames(track.poses, tuple(size)))
