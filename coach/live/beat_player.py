"""The metronome heard from the laptop (``coach live``): clicks from ``coach.live.metronome`` on the
wall-clock beat grid of ``coach.live.pacer``, played through the system's own audio program.

A writer thread keeps a raw PCM pipe (PipeWire's ``pw-cat``, PulseAudio's ``paplay`` or ALSA's
``aplay``) filled a little ahead of the wall clock: the stream is continuous, so every click sits
at a sample position computed from its beat time (no drift, no per-click start-up delay). Known
limit: the audio system's own buffer delays the whole stream by a constant few tens of
milliseconds; the beat the patient hears is that much later than the grid the reps are judged
against. No audio program (or no sound device): ``make_beat_player`` returns None and the beat is
shown only (the HUD's pulse).
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from coach.live.metronome import SAMPLE_RATE, click

log = logging.getLogger(__name__)
AHEAD_S = 0.08  # written this far ahead of the wall clock: enough to ride out a busy frame
CHUNK_S = 0.02  # the writer wakes this often


def players(sample_rate: int = SAMPLE_RATE) -> tuple[tuple[str, list[str]], ...]:
    """(program, command reading float32 mono PCM on stdin), best first."""
    sr = str(sample_rate)
    return (("pw-cat", ["pw-cat", "--playback", "--format", "f32", "--rate", sr, "--channels", "1", "-"]),
            ("paplay", ["paplay", "--raw", "--format=float32le", f"--rate={sr}", "--channels=1"]),
            ("aplay", ["aplay", "-q", "-t", "raw", "-f", "FLOAT_LE", "-r", sr, "-c", "1", "--buffer-time=60000"]))


def render_block(first_sample: int, n: int, start_wall_s: float, period_s: float, sample_rate: int,
                 sound: np.ndarray) -> np.ndarray:
    """Samples ``first_sample`` .. ``first_sample + n`` of a stream that began at wall time
    ``start_wall_s``: silence with ``sound`` starting on every beat of the epoch grid
    (wall times that are whole multiples of ``period_s``)."""
    out = np.zeros(n, dtype=np.float32)
    t0 = start_wall_s + (first_sample - len(sound)) / sample_rate  # a click begun just before still sounds
    t1 = start_wall_s + (first_sample + n) / sample_rate
    for k in range(int(np.ceil(t0 / period_s)), int(np.floor(t1 / period_s)) + 1):
        at = int(round((k * period_s - start_wall_s) * sample_rate)) - first_sample
        lo, hi = max(at, 0), min(at + len(sound), n)
        if hi > lo:
            out[lo:hi] += sound[lo - at:hi - at]
    return out


@dataclass
class PipeBeatPlayer:
    """Plays the beat grid through ``command`` while started; ``start``/``stop`` may repeat."""

    command: list[str]
    period_s: float
    name: str = ""
    sample_rate: int = SAMPLE_RATE
    wall_clock: Callable[[], float] = time.time
    popen: Callable[..., subprocess.Popen] = subprocess.Popen
    _stop: threading.Event = field(default_factory=threading.Event, init=False)
    _thread: threading.Thread | None = field(default=None, init=False)
    failures: int = field(default=0, init=False)

    @property
    def playing(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.playing or self.failures:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="metronome", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
            self._thread = None

    def _run(self) -> None:
        sound = click(self.sample_rate)
        try:
            proc = self.popen(self.command, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
        except OSError as exc:
            self._failed(exc)
            return
        start, written = self.wall_clock(), 0
        try:
            while not self._stop.is_set():
                due = int((self.wall_clock() - start + AHEAD_S) * self.sample_rate)
                if due - written > self.sample_rate:  # fell far behind (machine stalled): skip, stay on the grid
                    written = due - int(AHEAD_S * self.sample_rate)
                if due > written:
                    block = render_block(written, due - written, start, self.period_s, self.sample_rate, sound)
                    proc.stdin.write(block.tobytes())
                    proc.stdin.flush()
                    written = due
                self._stop.wait(CHUNK_S)
        except (OSError, ValueError) as exc:  # the program exited (no sound device)
            self._failed(exc)
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass
            proc.terminate()

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        log.warning("metronome sound through %s failed (%s); the beat is shown only", self.name or self.command[0], exc)


def make_beat_player(period_s: float, engine: str = "auto", which: Callable[[str], str | None] = shutil.which,
                     sample_rate: int = SAMPLE_RATE) -> PipeBeatPlayer | None:
    """A player through the first audio program found (``engine``: "auto", a program name, or
    "none"); None when there is none."""
    if engine == "none":
        return None
    for name, command in players(sample_rate):
        if engine in ("auto", name) and which(name):
            return PipeBeatPlayer([which(name), *command[1:]], period_s, name=name, sample_rate=sample_rate)
    return None
