import os
import stat
import subprocess
import threading
import time

from coach.live.speech import CommandSpeaker, SilentSpeaker, make_speaker


def test_without_an_engine_cues_are_shown_only():
    speaker = make_speaker("auto", which=lambda name: None)
    assert isinstance(speaker, SilentSpeaker) and speaker.name == "none"
    speaker.say("Three")  # no error, nothing spoken
    assert make_speaker("none").name == "none"


def test_named_engine_missing_falls_back():
    assert isinstance(make_speaker("espeak-ng", which=lambda name: None), SilentSpeaker)


def test_finds_espeak_ng_first():
    found = {"espeak-ng": "/usr/bin/espeak-ng", "espeak": "/usr/bin/espeak"}
    speaker = make_speaker("auto", which=found.get)
    try:
        assert isinstance(speaker, CommandSpeaker) and speaker.command[0] == "/usr/bin/espeak-ng"
    finally:
        speaker.close()


def test_say_never_blocks_and_the_newest_cue_wins():
    release = threading.Event()
    spoken = []

    def slow_run(cmd, **kwargs):
        release.wait(5)
        spoken.append(cmd[-1])

    speaker = CommandSpeaker(["tts"], run=slow_run)
    start = time.perf_counter()
    speaker.say("One")
    time.sleep(0.05)  # "One" is now being spoken
    for word in ("Two", "Three", "Four"):
        speaker.say(word)
    assert time.perf_counter() - start < 0.5
    release.set()
    speaker.close()
    assert spoken == ["One", "Four"]  # stale cues were replaced, not queued


def test_a_failing_engine_does_not_break_the_session():
    def broken(cmd, **kwargs):
        raise subprocess.CalledProcessError(1, cmd)

    speaker = CommandSpeaker(["tts"], run=broken)
    speaker.say("One")
    speaker.close()
    assert speaker.failures == 1 and speaker.spoken == []


def test_real_subprocess_with_a_stand_in_engine(tmp_path):
    log = tmp_path / "said.txt"
    script = tmp_path / "espeak-ng"
    script.write_text(f"#!/bin/sh\nfor a; do last=$a; done\necho \"$last\" >> {log}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    speaker = make_speaker("auto", which=lambda name: str(script) if name == "espeak-ng" else None)
    speaker.say("Set one done, rest 60 seconds")
    speaker.close()
    assert log.read_text().strip() == "Set one done, rest 60 seconds"
    assert os.path.exists(script)
