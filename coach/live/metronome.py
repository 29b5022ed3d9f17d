"""The metronome's sound, made here (no files, nothing downloaded): pure numpy.

``click(sample_rate)`` is one short beat: a decaying sine burst (a woodblock-like tick, easy to
hear over a television and not startling); ``accent`` makes the first beat of a bar higher.
``beat_track(tempo_per_min, seconds)`` lays clicks on the beat grid; playing it (or each click on
each beat, live) is the caller's business (``coach.live`` sinks), as is showing the beat.
All output is float32 mono in [-1, 1].
"""
from __future__ import annotations

import numpy as np

SAMPLE_RATE = 22_050
CLICK_S = 0.035  # long enough to hear as a tone, short enough to place in time (a few ms attack)
CLICK_HZ = 1_000.0  # where hearing is most sensitive; older ears keep it better than high tones
ACCENT_HZ = 1_500.0
ATTACK_S = 0.002  # a 2 ms ramp: no audible pop at the start
DECAY_PER_S = 120.0  # the burst falls to ~1.5% by its end


def click(sample_rate: int = SAMPLE_RATE, accent: bool = False, volume: float = 0.8) -> np.ndarray:
    """One beat's samples (float32 mono)."""
    if not 0.0 <= volume <= 1.0:
        raise ValueError(f"volume must be from 0 to 1, got {volume!r}")
    n = int(round(CLICK_S * sample_rate))
    t = np.arange(n) / sample_rate
    tone = np.sin(2 * np.pi * (ACCENT_HZ if accent else CLICK_HZ) * t)
    envelope = np.exp(-DECAY_PER_S * t) * np.clip(t / ATTACK_S, 0.0, 1.0)
    return (volume * tone * envelope).astype(np.float32)


def beat_times(tempo_per_min: float, seconds: float, start_s: float = 0.0) -> np.ndarray:
    """Beat onsets (s) from ``start_s`` for ``seconds`` at ``tempo_per_min`` beats per minute."""
    if not tempo_per_min > 0:
        raise ValueError(f"tempo must be positive, got {tempo_per_min!r} per minute")
    period = 60.0 / tempo_per_min
    n = int(np.floor(seconds / period + 1e-9)) + 1
    return start_s + period * np.arange(n)


def beat_track(tempo_per_min: float, seconds: float, sample_rate: int = SAMPLE_RATE, beats_per_bar: int = 0,
               volume: float = 0.8) -> np.ndarray:
    """``seconds`` of metronome (float32 mono): a click on every beat, from time 0; with
    ``beats_per_bar`` > 0 the first beat of each bar is accented."""
    out = np.zeros(int(round(seconds * sample_rate)), dtype=np.float32)
    plain, accented = click(sample_rate, False, volume), click(sample_rate, True, volume)
    for k, t in enumerate(beat_times(tempo_per_min, seconds)):
        c = accented if beats_per_bar and k % beats_per_bar == 0 else plain
        i = int(round(t * sample_rate))
        if i >= len(out):
            break
        m = min(len(c), len(out) - i)
        out[i:i + m] += c[:m]
    return np.clip(out, -1.0, 1.0)
