"""Builds a ready-to-run live coach from plain options: source, estimator, session and sinks.

The one factory of the live coach: ``coach live``, the browser app (``coach.app.webrtc_coach``),
the benchmark and the tests assemble the same objects the same way. The patient's programme lies
under the options (``prescribe``: its thresholds merged with the overrides, an override winning per
key), and a stored session records its settings in one shape (``session_settings``). Only what the
surface itself has differs: the CLI's window, keys and audio program for the beat; the browser's
buttons and its own beat (``LiveOptions.browser``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from coach.pipeline import Pipeline
from coach.programme.overrides import prescribed_overrides
from coach.sources import CameraSource, parse_camera

from coach.live.beat_player import make_beat_player
from coach.live.cues import CueEngine, CueRateLimiter
from coach.live.dual_task import DualTaskPrompter
from coach.live.fatigue import DEFAULT_MARGIN, FatigueMonitor, monitor_for
from coach.live.grabber import LatestFrameGrabber, RealtimeFileSource
from coach.live.holds import DEFAULT_TARGET_S
from coach.live.hud import BUTTON_HINTS, KEYBOARD_HINTS, LiveHud
from coach.live.pacer import LivePacer
from coach.live.prescription import prescribed
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
    # the physio's thresholds (exercise Params) over the programme's: an override wins per key (``prescribe``)
    overrides: dict[str, float] = field(default_factory=dict)
    model: str = "full"
    sets: int = 2
    reps: int = 10
    rest_s: float = 60.0
    window: bool = True  # the CLI's window (keys start, rest and stop); without it nobody can press "start"
    browser: bool = False  # the app's page: its buttons start sets (no window) and the browser plays the beat
    speech: str = "auto"  # "auto", "espeak-ng", "espeak" or "none"
    fatigue_margin: float = DEFAULT_MARGIN  # smallest slowdown or loss of range that counts (exercises.fatigue)
    fatigue: FatigueMonitor | None = None  # with a patient: knows their usual variation (prescribe)
    cue_gap_s: float = 15.0  # same cue at most this often
    cue_global_gap_s: float = 5.0  # any form cue at most this often
    patient: str | None = None
    record_video: bool = False
    camera_give_up_s: float = 120.0
    tempo: Tempo | None = None  # a metronome (command line, else the programme item's)
    hold_s: float | None = None  # target of each balance hold (command line, else the programme's; 30 s)
    beat_sound: str = "auto"  # the metronome's audio program: "auto", "pw-cat", "paplay", "aplay", "none"
    notes: list[str] = field(default_factory=list)  # things the user should be told (stderr)
    programme_version: int | None = None  # the programme version the session follows (the app's today list)
    setup_gate: bool = True  # False: no set-up check before the countdown (the TUG's camera must be far away)
    countdown_s: int = 3  # the TUG's is longer: time to walk from the laptop and sit down
    dual_task: str | None = None  # a thinking task said at each set's start (``exercises.dual_task.TASKS``)
    dual_task_seed: int | None = None  # its start numbers' random generator (tests); None: fresh each session
    # "Is someone with you?" before a set that needs spotting (``coach.caregiver``): "present",
    # "absent", or "" (not asked); recorded as the session's ``caregiver`` event.
    caregiver: str = ""
    caregiver_mode: bool = False  # a caregiver is beside: a loss of balance is said aloud for them at once

    def plan(self) -> SetPlan:
        # Without a window or a page nobody can press "start": the first set starts at once (automation).
        controlled = self.window or self.browser
        return SetPlan(sets=self.sets, reps=self.reps, rest_s=self.rest_s, countdown_s=self.countdown_s,
                       skip_countdown=not controlled, setup_gate=controlled and self.setup_gate)

    @property
    def mode(self) -> str:
        """The stored session's ``mode``: which surface ran it."""
        return "live-browser" if self.browser else "live"

    @property
    def source_label(self) -> str:
        return "browser camera" if self.browser else str(self.camera)

    @property
    def hold_target_s(self) -> float | None:
        """Each hold's target for a timed hold (the options', else the default); None for anything else."""
        return (self.hold_s or DEFAULT_TARGET_S) if is_timed_hold(self.exercise) else None


def make_estimator(opts: LiveOptions):
    """The live pose model. With a caregiver beside the patient (caregiver mode, or "someone is with
    me") the caregiver in view is expected (no "Only one person in the picture"), and the pose is
    guarded (``coach.pose.follow``): the model's tracker stays on the person it found first, and a
    jump to someone else (the caregiver stepping in front) is "patient not seen", never counted or
    timed. One pose a frame: asked for two, the live model lost the patient for whole seconds at a time
    in a rendered hold with a caregiver beside them (it re-detected the caregiver alone), where one
    pose stayed on the patient throughout."""
    from coach.pose.estimator import PoseEstimator

    if not (opts.caregiver_mode or opts.caregiver == "present"):
        return PoseEstimator(model=opts.model, mode="live")
    from coach.pose.follow import FollowingEstimator

    return FollowingEstimator(PoseEstimator(model=opts.model, mode="live", keep_people=True,
                                            people_check_interval_s=0))


def open_source(camera: str):
    """A file path plays in real time as a stand-in camera; anything else is a camera device."""
    spec = parse_camera(camera)
    if isinstance(spec, str) and not spec.startswith("/dev/") and (Path(spec).exists() or "." in Path(spec).name):
        return RealtimeFileSource(spec)
    return CameraSource(spec)


def build_session(opts: LiveOptions, estimator, recorder=None, video_writer=None, fps: float = 30.0) -> LiveSession:
    """The session of these options (``prescribe`` them first for a patient's programme)."""
    pipeline = Pipeline.for_exercise(estimator, opts.exercise, side=opts.side, overrides=opts.overrides)
    spec = pipeline.exercise.spec
    speaker = make_speaker(opts.speech)
    # A hold has its target (the session makes its HoldCoach); a metronome means nothing for it.
    pacer = LivePacer.for_exercise(opts.exercise, opts.tempo) if opts.tempo is not None and not spec.timed_hold else None
    session = LiveSession(
        pipeline, opts.exercise, plan=opts.plan(), side=opts.side,
        fatigue=opts.fatigue or FatigueMonitor(margin=opts.fatigue_margin),
        cue_engine=CueEngine(CueRateLimiter(opts.cue_gap_s, opts.cue_global_gap_s), exercise=opts.exercise),
        renderer=LiveHud(mirror=True, exercise_label=spec.label, hints=BUTTON_HINTS if opts.browser else KEYBOARD_HINTS),
        speech_name=speaker.name, hold_s=opts.hold_target_s, pacer=pacer,
        dual_task=DualTaskPrompter.named(opts.dual_task, opts.dual_task_seed) if opts.dual_task else None)
    session.sinks.append(SpeechSink(speaker, caregiver=opts.caregiver_mode or opts.caregiver == "present"))
    if pacer is not None and not opts.browser:  # the page plays the beat in the browser (coach.app.live_panels)
        player = make_beat_player(pacer.tempo.period_s, opts.beat_sound)
        if player is not None:
            session.sinks.append(MetronomeSink(player))
        elif opts.beat_sound != "none":
            opts.notes.append("no audio program (pw-cat, paplay or aplay) found: the beat is shown, not heard")
    if recorder is not None:
        session.sinks.append(RecorderSink(recorder, side=opts.side))
    if video_writer is not None:
        session.sinks.append(VideoSink(video_writer, fps))
    if opts.window and not opts.browser:
        session.sinks.append(WindowSink(session))
    return session


def prescribe(opts: LiveOptions, store) -> LiveOptions:
    """The options with the patient's programme under them: its thresholds merged with the
    overrides (an override wins per key, the others stay as prescribed), its tempo and hold target
    where the options give none, and a fatigue monitor that knows the patient's usual variation.
    Unchanged without a store or a patient."""
    if store is None or not opts.patient:
        return opts
    rx = prescribed(store, opts.patient, opts.exercise)
    return replace(opts, overrides={**prescribed_overrides(store, opts.patient, opts.exercise), **opts.overrides},
                   tempo=opts.tempo or rx.tempo, hold_s=opts.hold_s or rx.hold_s,
                   fatigue=opts.fatigue or monitor_for(store, opts.patient, opts.exercise, opts.fatigue_margin))


def start_recording(opts: LiveOptions, store):
    """The store's recorder of this (prescribed) session. Raises the store's errors."""
    recorder = store.start_session(opts.patient, opts.exercise, source=opts.source_label,
                                   settings=session_settings(opts), programme_version=opts.programme_version)
    if opts.caregiver:  # the answer to "Is someone with you?", with the session from its start
        from coach.caregiver import PRESENT_KIND, check

        check(PRESENT_KIND, opts.caregiver)
        recorder.add_event(PRESENT_KIND, 0.0, opts.caregiver)
    return recorder


def open_recorder(opts: LiveOptions):
    """(options, store, recorder) for ``--patient``: the options prescribed from the patient's
    programme; (options, None, None) when no store is installed."""
    try:
        from coach.store import Store
    except ModuleNotFoundError:
        opts.notes.append("the session store is not installed: this session is not saved")
        return opts, None, None
    store = Store.open()
    opts = prescribe(opts, store)
    return opts, store, start_recording(opts, store)


def session_settings(opts: LiveOptions) -> dict:
    """What the stored session says it was run with, one shape for every surface (the physio reads
    the tempo, the hold target and the thresholds here)."""
    settings = {"sets": opts.sets, "reps": opts.reps, "rest_s": opts.rest_s, "side": opts.side,
                "model": opts.model, "fatigue_margin": opts.fatigue_margin, "mode": opts.mode}
    if opts.hold_target_s is not None:
        settings["hold_s"] = opts.hold_target_s
    elif opts.tempo is not None:  # a hold has no beat
        settings["tempo_per_min"] = round(opts.tempo.per_min, 3)
    if opts.dual_task:  # done with a thinking task: the dual-task cost compares it (coach.reports.dual_task)
        settings["dual_task"] = opts.dual_task
    if opts.overrides:  # the thresholds the counting ran with (the programme's and the overrides)
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
        estimator = make_estimator(opts)
    fps = getattr(source, "fps", 30.0)
    size = getattr(source, "size", None) or getattr(source, "requested_size", None) or (640, 480)
    writer = open_video_writer(opts, store, recorder, fps, size) if recorder is not None else None
    session = build_session(opts, estimator, recorder=recorder, video_writer=writer, fps=fps)
    grabber = LatestFrameGrabber(source, give_up_s=opts.camera_give_up_s)
    return LiveRunner(session, grabber), estimator
