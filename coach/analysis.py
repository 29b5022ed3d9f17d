"""Video-file mode: analyse a recording end to end and collect the result.

I/O at the edges: the source reads the file, the optional writer encodes the annotated video;
everything between is the shared ``Pipeline``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import cv2

from coach import file_poses
from coach.overlay import Overlay
from coach.pipeline import Pipeline
from coach.pose.estimator import PoseEstimator
from coach.pose.frame import PoseFrame, PoseSeries
from coach.pose.sampling import AdaptiveSampler, counting_signal
from coach.sources import TimedFrame, VideoFileSource
from coach.threads import WriteBehind, read_ahead
from coach.video_writer import BrowserVideoWriter, VideoWriteError
from exercises import create_exercise, get_spec, is_timed_hold
from exercises.hold_checks import check_holds
from exercises.base import Rep

# A second person in more than this share of checks is worth a warning: counts may mix people.
TWO_PEOPLE_WARN_SHARE = 0.1
LOW_COVERAGE_WARN = 0.5


@dataclass
class AnalysisResult:
    exercise: str
    side: str
    model: str
    source: str
    fps: float
    frames: int
    duration_s: float
    pose_coverage: float
    reps: list[Rep]  # counted reps and uncounted attempts, in time order (file mode: the second pass)
    warnings: list[str] = field(default_factory=list)
    view: str = "unknown"
    poses: PoseSeries | None = None
    annotated_video: Path | None = None
    truncated: bool = False  # the file ended before its declared length
    orientation: str = "upright"  # "upright", "sideways" (rotated 90 deg or lying) or "upside_down"
    orientation_problem: str = ""  # why the pose model's reading cannot be trusted for counting ("" if fine)
    counted_person: str = ""  # with two people in view: whose reps were counted, in words
    rotated_deg: int = 0  # the frames were turned this far (clockwise) before analysis
    live_reps: list[Rep] | None = None  # what the causal first pass (live coaching) counted on the same poses
    # Balance holds: losses of balance (sudden step, fall-like drop) as {"kind", "time_s", "detail"}
    balance_events: list[dict] = field(default_factory=list)
    model_frames: int = 0  # frames the pose model ran on (the rest interpolated: ``coach.pose.sampling``)
    video_error: str = ""  # why the annotated video could not be written (a full disk); "" when fine
    dual_task: dict | None = None  # done with a thinking task: the task and its cost (coach.reports.dual_task)

    @property
    def counted(self) -> list[Rep]:
        return [r for r in self.reps if r.counted]


ProgressFn = Callable[[int, int], None]  # (frames done, frames expected or 0)


# Adaptive sampling is asked for (--adaptive), not the default: MediaPipe's tracker answers a little
# differently on frames it reaches after a skip, and with the real model that flips borderline decisions:
# hands_on_thighs on the bundled 5xSTS sample (which fails the test's protocol), heel_low on
# calf_raise_fitnesscontent_1, an uncounted attempt's times on the barbell squat (bench/compare_sampling.py;
# counts stayed the same on 9 visible clips with 53% of frames to the model). Every frame is no steadier
# against other inputs: starting one frame later or a +-1 grey-level grain flips the same two faults and
# moves rep times as far (bench/tracker_noise.py: 7 and 8 of 23 clips changed, adaptive 6; counts never).
EVERY_FRAME_BY_DEFAULT = True
ORIENTATION_CHECK_FRAMES = 45  # frames with a person before the picture's orientation is judged
_TURNS = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}


def analyze_video(path: str | Path, exercise: str, side: str = "auto", model: str = "full",
                  annotated_path: Path | None = None, progress: ProgressFn | None = None,
                  estimator=None, exercise_options: dict | None = None, rotate: int | None = None,
                  every_frame: bool | None = None) -> AnalysisResult:
    """Count and check ``exercise`` in the video at ``path``.

    The pose model runs on the frames the movement needs (``coach.pose.sampling``: densely where the
    landmarks or the counting signal change course, sparsely in rests and holds; the frames between
    get interpolated landmarks and are still counted, drawn and written); ``every_frame`` runs it
    on every frame; None: ``EVERY_FRAME_BY_DEFAULT``. An estimator that keeps every person of every
    frame (the TUG's) always gets every frame.

    A video turned 90 or 180 degrees (a phone's rotation tag lost) is noticed from the first
    ``ORIENTATION_CHECK_FRAMES`` frames with a person and analysed again turned upright (with the
    coach's own estimator; a caller's estimator gets a warning instead). ``rotate`` (90 = clockwise,
    180, 270) turns every frame first.

    Without an annotated video the exercise logic runs beside the pose model: the model works on a
    thread that reads ahead (its results, in order, are the same).

    Raises SourceError / ModelError / ValueError (unknown exercise) before any work is done.
    """
    source = VideoFileSource(path)
    state_machine = create_exercise(exercise, side=side, **(exercise_options or {}))  # bad name: fails here
    own_estimator = estimator is None
    if own_estimator:
        estimator = PoseEstimator(model=model, mode="video")
    pipeline = Pipeline(estimator, state_machine)
    turn = _TURNS.get(rotate or 0)
    size = (source.size[1], source.size[0]) if rotate in (90, 270) else source.size
    # With an annotated video, drawing and encoding (and the exercise logic before them) run
    # behind the pose model on a worker; without one the logic (~0.5 ms a frame) runs inline,
    # where a thread hand-off would cost more than it saves.
    # tolerant: a full disk stops the video, not the analysis (the record is still saved)
    writer = BrowserVideoWriter(annotated_path, source.fps, size, tolerant=True) if annotated_path is not None else None
    video_error = ""
    handle = _frame_handler(pipeline, writer, Overlay(exercise_label=get_spec(exercise).label))
    behind = WriteBehind(handle) if writer is not None else None
    poses: list[PoseFrame] = []
    seen = 0
    restart = None
    every_frame = EVERY_FRAME_BY_DEFAULT if every_frame is None else every_frame
    adaptive = not every_frame and not getattr(estimator, "keep_people", False)
    counter = [0]  # frames sent to the pose model
    if adaptive:
        # An annotated video needs every picture; otherwise the reader passes over undecoded the
        # frames before the next sample (reading one ahead: it decodes those it cannot know about yet).
        depth = 8 if writer is not None else 1
        frames = file_poses.sampled(
            lambda wanted: read_ahead(source if writer is not None else source.frames(decode=wanted), depth),
            file_poses.estimate_with(estimator), AdaptiveSampler(source.fps, signal=counting_signal(exercise, side)),
            source.declared_frames - 1 if source.declared_frames else -1, turn, counter,
            costly=lambda: source.conversion_is_costly)
    else:
        frames = file_poses.every_frame(read_ahead(source), file_poses.estimate_with(estimator), turn, counter)
    if writer is None:  # the exercise logic (this thread) runs beside the pose model (that one's)
        frames = read_ahead(frames, depth=8)
    try:
        for frame, raw, people in frames:
            poses.append(raw)
            seen += raw.has_person
            if own_estimator and rotate is None and raw.has_person and seen == ORIENTATION_CHECK_FRAMES:
                restart = rotation_needed(PoseSeries.from_frames([p for p in poses if p.has_person], size))
                if restart:
                    break
            (behind.put if behind is not None else handle)((frame, raw, people))
            if progress:
                progress(frame.index + 1, source.declared_frames)
        if behind is not None and not restart:
            behind.close()
        if not restart:
            pipeline.finish()
    finally:
        frames.close()
        try:
            if behind is not None:
                behind.close()
        finally:
            if own_estimator:
                estimator.close()
            if writer is not None:
                try:
                    writer.close()
                except VideoWriteError as e:
                    video_error = str(e)
    if restart:
        result = analyze_video(path, exercise, side, model, annotated_path, progress, None, exercise_options,
                               rotate=restart, every_frame=every_frame)
        result.warnings.insert(0, f"the video was on its side or upside down: it was turned {restart} degrees "
                                  "and analysed upright")
        return result

    n = len(poses)
    coverage = sum(p.has_person for p in poses) / n if n else 0.0
    checks = getattr(estimator, "people_checks", 0)
    two_people_share = getattr(estimator, "checks_with_two_people", 0) / checks if checks else 0.0
    series = PoseSeries.from_frames(poses, size)
    orientation = body_orientation(series)
    problem = ORIENTATION_PROBLEMS.get(orientation, "")
    counted_person = ""
    if getattr(estimator, "two_people_seconds", 0.0) > TWO_PEOPLE_MIN_S or two_people_share > TWO_PEOPLE_WARN_SHARE:
        counted_person = f"the person {_where_in_picture(series)}"
    warnings = _warnings(source, coverage, two_people_share, getattr(estimator, "two_people_seconds", 0.0),
                         counted_person)
    if problem:
        warnings.append(problem + ": rotate the video so the person stands upright; counts are not reliable")
    warnings += pipeline.exercise.warnings
    reps = list(pipeline.exercise.reps)
    if is_timed_hold(exercise) and poses:  # no hold time from a recording that cannot support one
        reps, hold_warnings = check_holds(reps, series.timestamps_s, [p.has_person for p in poses])
        warnings += hold_warnings
    duration = poses[-1].timestamp_s + 1.0 / source.fps if poses else 0.0
    return AnalysisResult(
        exercise=exercise, side=side, model=model if own_estimator else getattr(estimator, "model", model),
        source=str(path), fps=source.fps, frames=n, duration_s=round(duration, 3),
        pose_coverage=round(coverage, 4), reps=reps, warnings=warnings,
        live_reps=list(pipeline.first_pass.reps) if pipeline.first_pass is not None else None,
        view=pipeline.exercise.state.view, poses=series,
        balance_events=[{"kind": e.kind, "time_s": e.time_s, "detail": e.detail}
                        for e in pipeline.exercise.balance_events],
        annotated_video=None if video_error else annotated_path, truncated=source.truncated,
        orientation=orientation, orientation_problem=problem, counted_person=counted_person,
        rotated_deg=rotate or 0, model_frames=counter[0], video_error=video_error,
    )


def rotation_needed(series: PoseSeries) -> int | None:
    """Degrees (clockwise) that turn a sideways or upside-down picture upright; None if upright."""
    import numpy as np

    orientation = body_orientation(series)
    if orientation == "upright":
        return None
    if orientation == "upside_down":
        return 180
    w, h = series.size
    pts = series.image[:, :, :2] * np.array([w, h], dtype=float)
    up_x = float(np.nanmedian(pts[:, [11, 12], 0].mean(axis=1) - pts[:, [23, 24], 0].mean(axis=1)))
    return 90 if up_x < 0 else 270  # head towards the left: a clockwise turn brings it to the top


ORIENTATION_PROBLEMS = {
    "sideways": "the person appears lying down or the video is turned 90 degrees",
    "upside_down": "the video appears upside down",
}
SIDEWAYS_DEG = 55.0  # trunk further than this from upright in most frames: not a standing/sitting exercise
UPSIDE_DOWN_DEG = 125.0
TWO_PEOPLE_MIN_S = 1.0  # a second person in view for longer than this is reported


def body_orientation(series: PoseSeries) -> str:
    """"upright", "sideways" or "upside_down", from the trunk's direction in the picture (shoulders
    above hips when upright) over the frames with a person; "upright" when too few are seen.

    Every home exercise here is done sitting or standing, so a trunk that is mostly horizontal means
    a video turned 90 degrees (a phone's rotation tag lost) or a person lying down."""
    import numpy as np

    img = series.image
    seen = ~np.isnan(img[:, 0, 0]) if len(series) else np.zeros(0, bool)
    if seen.sum() < 10:
        return "upright"
    w, h = series.size
    pts = img[seen][:, :, :2] * np.array([w, h], dtype=float)
    shoulders = pts[:, [11, 12]].mean(axis=1)
    hips = pts[:, [23, 24]].mean(axis=1)
    up = shoulders - hips  # image y grows downwards: upright trunk has negative dy
    angle = np.degrees(np.arctan2(np.abs(up[:, 0]), -up[:, 1]))  # 0 = upright, 180 = upside down
    median = float(np.median(angle))
    if median >= UPSIDE_DOWN_DEG:
        return "upside_down"
    if median >= SIDEWAYS_DEG:
        return "sideways"
    return "upright"


def _where_in_picture(series: PoseSeries) -> str:
    """Where the tracked (counted) person mostly was: "on the left/in the middle/on the right of the picture"."""
    import numpy as np

    x = series.image[:, [23, 24], 0]
    x = x[~np.isnan(x).any(axis=1)]
    if not len(x):
        return "the tracker followed"
    mid = float(np.median(x.mean(axis=1)))
    side = "on the left" if mid < 0.4 else "on the right" if mid > 0.6 else "in the middle"
    return f"{side} of the picture"


def _frame_handler(pipeline: Pipeline, writer: BrowserVideoWriter | None, overlay: Overlay):
    """Exercise logic, then drawing and encoding, for one estimated frame (on one thread only:
    the pipeline's exercise and the overlay are not shared)."""
    def handle(item: tuple[TimedFrame, PoseFrame, int]) -> None:
        result = pipeline.process_pose(*item)
        if writer is not None:
            writer.write(overlay.draw(result.frame.image, result.pose, result.state, result.events))
    return handle


def _warnings(source: VideoFileSource, coverage: float, two_people_share: float, two_people_s: float = 0.0,
              counted_person: str = "") -> list[str]:
    out = []
    if coverage == 0.0:
        out.append("nobody was found in the video: check that the whole body is in view and the room is lit")
    elif coverage < LOW_COVERAGE_WARN:
        out.append(f"a person was found in only {coverage:.0%} of frames: counts may be incomplete")
    if counted_person:
        # Under a second (one or two checks) would read "for about 0 s": the share of checks then.
        seen = f"for about {two_people_s:.0f} s" if two_people_s >= 1.0 else f"in {two_people_share:.0%} of checks"
        out.append(f"two people were in view {seen}: only the reps of {counted_person} were counted")
    if source.truncated:
        out.append(f"the video ended early ({source.frames_read} of {source.declared_frames} frames): it may be truncated")
    return out
