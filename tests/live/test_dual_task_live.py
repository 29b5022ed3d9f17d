"""Dual-task practice live (issue 22.4): with a file as the camera, the thinking task is said at
each set's start (one announcement with the set's own words), shown in big words while the set
runs, recorded as an event and in the session's settings; a fresh start number each set; no
microphone anywhere in the live coach."""
from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from coach.live.factory import LiveOptions, build_session, session_settings
from coach.live.grabber import LatestFrameGrabber, RealtimeFileSource
from coach.live.hud import TASK_COLOUR
from coach.live.runner import LiveRunner
from coach.live.sets import ACTIVE
from exercises.dual_task import get_task

from tests.live.conftest import TruthEstimator

SEED = 11


class Screen:
    """A sink that keeps what the patient saw: the task text and a pixel of its band, per frame."""

    def __init__(self):
        self.seen: list[tuple[str, str, tuple]] = []

    def on_update(self, update) -> None:
        if update.image is not None:
            h, w = update.image.shape[:2]
            u = max(h, w) / 640.0
            self.seen.append((update.phase, update.task_text, tuple(int(v) for v in update.image[int(160 * u), 3])))

    def close(self, summary) -> None:
        pass


def test_the_task_is_said_at_each_set_start_and_shown_while_it_runs(sts_video, sts_clip):
    opts = LiveOptions(exercise="sit-to-stand", sets=2, reps=1, rest_s=1.0, window=False, speech="none",
                       dual_task="serial-7s", dual_task_seed=SEED)
    session = build_session(opts, TruthEstimator(sts_clip.poses, sts_clip.fps))
    screen = Screen()
    session.sinks.append(screen)
    summary = LiveRunner(session, LatestFrameGrabber(RealtimeFileSource(sts_video))).run()
    # What the task said, from the same generator the session was given (the truth of the prompts).
    rng = random.Random(SEED)
    want = [get_task("serial-7s").prompt(rng) for _ in range(2)]
    said = session.sinks[0].speaker.said  # the fake (silent) speaker keeps every cue it was given
    assert said[0] == f"Set one. {want[0].spoken}. Go"
    assert "Count back in sevens from" in said[0]
    assert len(summary.sets) == 2 and f"Set two. {want[1].spoken}. Go" in said
    assert [e.detail for e in summary.events if e.kind == "dual_task"] == [f"serial-7s: {w.spoken}" for w in want]
    # Shown in big words while a set runs, in its own colour; not before a set or during the rest.
    active = [(text, px) for phase, text, px in screen.seen if phase == ACTIVE]
    assert active and all(text in (want[0].shown, want[1].shown) for text, _ in active)
    assert all(np.allclose(px, TASK_COLOUR, atol=60) for _, px in active)
    assert not any(text and phase != ACTIVE and px == TASK_COLOUR for phase, text, px in screen.seen)
    assert session_settings(opts)["dual_task"] == "serial-7s"
    assert "dual_task" not in session_settings(LiveOptions(exercise="sit-to-stand"))


def test_the_cli_refuses_an_unknown_task_in_one_line():
    from coach.cli import build_parser
    from coach.commands.live import validate

    args = build_parser().parse_args(["live", "-e", "sit-to-stand", "--no-window", "--dual-task", "chess"])
    with pytest.raises(ValueError, match="unknown thinking task 'chess'"):  # coach.cli says it in one line
        validate(args)
    validate(build_parser().parse_args(["live", "-e", "tandem-stance", "--dual-task", "animals"]))  # holds too


def test_the_live_coach_never_opens_a_microphone():
    """Nothing of the voice is recorded: no audio input is opened anywhere in the live coach or the
    app's live page (the answers are said aloud to nobody)."""
    root = Path(__file__).resolve().parents[2] / "coach"
    words = ("sounddevice", "pyaudio", "InputStream", "arecord", "pw-record", "parecord", "getUserMedia({audio: true",
             "audio=True", "\"audio\": True")
    found = [(p.name, w) for p in [*root.glob("live/*.py"), *root.glob("app/*.py"), *root.glob("app/pages/*.py")]
             for w in words if w in p.read_text(encoding="utf-8")]
    assert found == []


def test_a_task_chosen_on_the_page_before_the_first_set_is_said_and_marks_the_session(sts_clip):
    """The browser's "With a thinking task?" attaches the task to a coach already built (its recording
    began without it): the prompt's event then marks the session as done with the task."""
    from coach.live.dual_task import attach
    from coach.reports.dual_task import task_of
    from tests.live.test_recording import run_clip

    opts = LiveOptions(exercise="sit-to-stand", sets=1, reps=10, rest_s=0, window=False, speech="none")
    session = build_session(opts, TruthEstimator(sts_clip.poses, sts_clip.fps))
    assert attach(session, "animals", seed=1)
    summary = run_clip(session, sts_clip)
    assert session.sinks[0].speaker.said[0] == "Set one. Name as many animals as you can. Say them out loud. Go"
    assert not attach(session, "serial-3s")  # a set has begun: too late
    assert task_of({}, summary.events) == "animals" and task_of({"dual_task": "serial-3s"}, summary.events) == "serial-3s"
    assert task_of({}, []) == ""
