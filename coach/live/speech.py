"""Spoken cues through an offline text-to-speech program, never blocking the live loop.

``make_speaker`` finds espeak-ng (or espeak) on the PATH; without one it returns a
``SilentSpeaker`` and the coach shows cues on screen only. Speaking happens on a worker thread
fed through a one-slot mailbox: a cue that arrives while another is still being spoken
replaces any cue still waiting, so speech never falls behind the exercise.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from typing import Callable, Protocol

log = logging.getLogger(__name__)
ENGINES = ("espeak-ng", "espeak")
WORDS_PER_MINUTE = 140  # a little slower than espeak's default 175: clearer for older listeners


class Speaker(Protocol):
    name: str

    def say(self, text: str) -> None: ...

    def close(self) -> None: ...


@dataclass
class SilentSpeaker:
    """No speech engine: cues are shown only. Keeps what it was asked to say (for tests)."""

    name: str = "none"
    said: list[str] = field(default_factory=list)

    def say(self, text: str) -> None:
        self.said.append(text)

    def close(self) -> None:
        pass


class CommandSpeaker:
    """Runs ``[*command, text]`` per cue on a worker thread (latest cue wins)."""

    def __init__(self, command: list[str], name: str = "", timeout_s: float = 10.0,
                 run: Callable[..., object] = subprocess.run):
        self.command, self.name = command, name or command[0]
        self._timeout_s, self._run = timeout_s, run
        self._cond = threading.Condition()
        self._pending: str | None = None
        self._closed = False
        self.spoken: list[str] = []
        self.failures = 0
        self._thread = threading.Thread(target=self._work, name="speaker", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        with self._cond:
            self._pending = text
            self._cond.notify()

    def close(self, wait_s: float = 3.0) -> None:
        """Let the last cue finish (up to ``wait_s``), then stop the worker."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout=wait_s)

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                if self._pending is None:
                    return
                text, self._pending = self._pending, None
            try:
                self._run([*self.command, text], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=self._timeout_s, check=True)
                self.spoken.append(text)
            except (OSError, subprocess.SubprocessError) as exc:
                # No sound device, engine removed mid-session...: the cue stays on screen.
                self.failures += 1
                if self.failures == 1:
                    log.warning("speech engine %s failed (%s); cues are shown only", self.name, exc)


def make_speaker(engine: str = "auto", which: Callable[[str], str | None] = shutil.which) -> Speaker:
    """``engine``: "auto" (first installed of espeak-ng, espeak), an engine name, or "none"."""
    if engine == "none":
        return SilentSpeaker()
    candidates = ENGINES if engine == "auto" else (engine,)
    for name in candidates:
        path = which(name)
        if path:
            return CommandSpeaker([path, "-s", str(WORDS_PER_MINUTE)], name=name)
    if engine != "auto":
        log.warning("speech engine %r not found; cues are shown only", engine)
    return SilentSpeaker()
