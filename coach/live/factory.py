"""Builds a ready-to-run live coach from plain options: source, estimator, session and sinks.

Kept apart from the CLI so the benchmark, the tests and the browser app assemble the same
objects the same way.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from coach.pipeline import Pipeline
from coach.sources import CameraSource, parse_camera

from coach.live.beat_player import make_beat_player
from coach.live.cues import CueEngine, CueRateLimiter
from coach.live.fatigue import DEFAULT_MARGIN, FatigueMonitor, monitor_for
from coach.live.grabber import LatestFrameGrabber, RealtimeFileSource
from coach.live.holds import DEFAULT_TARGET_S, HoldCoach
from coach.live.hud import LiveHud
from coach.live.pacer import LivePacer
from coach.live.session import LiveSession
from coach.live.sets import SetPlan
from coach.live.sinks import MetronomeSink, RecorderSink, SpeechSink, VideoSink, WindowSink
from coach.live.speech import make_speaker
from exercises import is_timed_hold
from exercises.pacing import Tempo

log = logging.getLogger(__name__)


@dataclass
class LiveOptions:
    exercise: str
    camera: str = "0"  # camera index, /dev/videoN, or a video file standing in for the camera
    side: str = "auto"
    overrides: dict[str, float] = field(default_factory=dict)  # the physio's thresholds (exercise Params)
    model: str = "full"
    sets: int = 2
    reps: int = 10
    rest_s: float = 60.0
    window: bool = True
    speech: str = "auto"  # "auto", "espeak-ng", "espeak" or "none"
    fatigue_margin: float = DEFAULT_MARGIN  # smallest slowdown or loss of range that counts (exercises.fatigue)
    fatigue: FatigueMonitor | None = None  # with a patient: knows their usual variation (open_recorder)
    cue_gap_s: float = 15.0  # same cue at most this often
    cue_global_gap_s: float = 5.0  # any form cue at most this often
    patient: str | None = None
    record_video: bool = False
    camera_give_up_s: float = 120.0
    tempo: Tempo | None = None  # a metronome (command line, else the programme item's)
    hold_s: float | None = None  # target of each balance hold (command line, else the programme's; 30 s)
    beat_sound: str = "auto"  # the metronome's audio program: "auto", "pw-cat", "paplay", "aplay", "none"
    notes: list[str] = field(default_factory=list)  # things the user should be told (stderr)

    def plan(self) -> SetPlan:
        # Without a window nobody can press "start": the first set starts at once (automation).
        return SetPlan(sets=self.sets, reps=self.reps, rest_s=self.rest_s,
                       skip_countdown=not self.window, setup_gate=self.window)


def open_source(camera: str):
    """A file path plays in real time as a stand-in camera; anything else is a camera device."""
    spec = parse_camera(camera)
    if isinstance(spec, str) and not spec.startswith("/dev/") and (Path(spec).exists() or "." in Path(spec).name):
        return RealtimeFileSource(spec)
    return CameraSource(spec)


def coaching_extras(exercise_spec, exercise: str, tempo: Tempo | None, hold_s: float | None):
    """(HoldCoach, LivePacer) for the session: a hold exercise gets its target (a metronome
    means nothing for it); any other exercise gets the metronome when a tempo is set."""
    if exercise_spec is not None and is_timed_hold(exercise_spec.name):
        return HoldCoach(exercise, hold_s or DEFAULT_TARGET_S), None
    return None, (LivePacer.for_exercise(exercise, tempo) if tempo is not None else None)


def build_session(opts: LiveOptions, estimator, recorder=None, video_writer=None, fps: float = 30.0) -> LiveSession:
    pipeline = Pipeline.for_exercise(estimator, opts.exercise, side=opts.side, overrides=opts.overrides)
    speaker = make_speaker(opts.speech)
    holds, pacer = coaching_extras(pipeline.exercise.spec, opts.exercise, opts.tempo, opts.hold_s)
    session = LiveSession(
        pipeline, opts.exercise, plan=opts.plan(), side=opts.side,
        fatigue=opts.fatigue or FatigueMonitor(margin=opts.fatigue_margin),
        cue_engine=CueEngine(CueRateLimiter(opts.cue_gap_s, opts.cue_global_gap_s), exercise=opts.exercise),
        renderer=LiveHud(mirror=True, exercise_label=opts.exercise.replace("-", " ").title()),
        speech_name=speaker.name, holds=holds, pacer=pacer)
    session.sinks.append(SpeechSink(speaker))
    if pacer is not None:
        player = make_beat_player(pacer.tempo.period_s, opts.beat_sound)
        if player is not None:
            session.sinks.append(MetronomeSink(player))
        elif opts.beat_sound != "none":
            opts.notes.append("no audio program (pw-cat, paplay or aplay) found: the beat is shown, not heard")
    if recorder is not None:
        session.sinks.append(RecorderSink(recorder, side=opts.side))
    if video_writer is not None:
        session.sinks.append(VideoSink(video_writer, fps))
    if opts.window:
        session.sinks.append(WindowSink(session))
    return session


def open_recorder(opts: LiveOptions, source_label: str):
    """(store, recorder) for ``--patient``; (None, None) when no store is installed."""
    try:
        from coach.store import Store
    except ModuleNotFoundError:
        opts.notes.append("the session store is not installed: this session is not saved")
        return None, None
    store = Store.open()
    from coach.programme.overrides import prescribed_overrides

    from coach.live.prescription import prescribed

    opts.overrides = {**prescribed_overrides(store, opts.patient, opts.exercise), **opts.overrides}
    rx = prescribed(store, opts.patient, opts.exercise)
    opts.tempo = opts.tempo or rx.tempo
    opts.hold_s = opts.hold_s or rx.hold_s
    opts.fatigue = monitor_for(store, opts.patient, opts.exercise, opts.fatigue_margin)  # before this session
    recorder = store.start_session(
        opts.patient, opts.exercise, source=source_label, settings=session_settings(opts, "live"))
    return store, recorder


def session_settings(opts: LiveOptions, mode: str) -> dict:
    """What the stored session says it was run with (the physio reads the tempo and hold target here)."""
    settings = {"sets": opts.sets, "reps": opts.reps, "rest_s": opts.rest_s, "side": opts.side,
                "model": opts.model, "fatigue_margin": opts.fatigue_margin, "mode": mode}
    if opts.tempo is not None:
        settings["tempo_per_min"] = round(opts.tempo.per_min, 3)
    if opts.hold_s is not None:
        settings["hold_s"] = opts.hold_s
    if opts.overrides:  # the thresholds the counting ran with (the programme's and the command line's)
        settings["thresholds"] = dict(opts.overrides)
    return settings


def open_video_writer(opts: LiveOptions, store, recorder, fps: float, size: tuple[int, int]):
    """An MP4 writer in the store's media folder, only with the patient's consent on record."""
    if not opts.record_video or store is None:
        return None
    target = store.video_path_for(recorder)  # known before the session reaches the database
    if target is None:
        opts.notes.append(f"patient {opts.patient} has not agreed to video recording: landmarks only")
        return None
    from coach.video_writer import BrowserVideoWriter

    path, relative = target
    path.parent.mkdir(parents=True, exist_ok=True)
    recorder.attach_video(relative)
    return BrowserVideoWriter(path, fps, size)


def build_runner(opts: LiveOptions, estimator=None, recorder=None, store=None):
    """(runner, estimator) with the source opened; the caller closes the estimator."""
    from coach.live.runner import LiveRunner

    source = open_source(opts.camera)
    if estimator is None:
        from coach.pose.estimator import PoseEstimator

        estimator = PoseEstimator(model=opts.model, mode="live")
    fps = getattr(source, "fps", 30.0)
    size = getattr(source, "size", None) or getattr(source, "requested_size", None) or (640, 480)
    writer = open_video_writer(opts, store, recorder, fps, size) if recorder is not None else None
    session = build_session(opts, estimator, recorder=recorder, video_writer=writer, fps=fps)
    grabber = LatestFrameGrabber(source, give_up_s=opts.camera_give_up_s)
    return LiveRunner(session, grabber), estimator
