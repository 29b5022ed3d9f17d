"""Metronome pacing on true landmarks: head turns made on a beat with known offsets and shrinking
amplitude (truth from the generator), and the beat sound itself."""
import numpy as np
import pytest

from coach.live import metronome
from coach.synth.extended import generate_ext
from coach.synth.scripts.head_turn import BACK_S, HOLD_S, TURN_S, Turn, script
from exercises.base import Rep
from exercises.head_turn import SPEC
from exercises.pacing import Tempo, pacing_metrics

PERIOD_S = 2.5
TURN_TOTAL_S = TURN_S + HOLD_S + BACK_S


def paced_turns(offsets, degrees):
    """Turns whose onsets are k * PERIOD_S + offsets[k] after the first beat (2 s in)."""
    turns, end = [], 2.0
    for k, (off, deg) in enumerate(zip(offsets, degrees)):
        nxt = 2.0 + (k + 1) * PERIOD_S + (offsets[k + 1] if k + 1 < len(offsets) else 0.0)
        pause = nxt - (2.0 + k * PERIOD_S + off + TURN_TOTAL_S)
        turns.append(Turn("left" if k % 2 == 0 else "right", deg, pause_s=max(pause, 0.0)))
    return turns


def run(offsets, degrees):
    tl, truth = script(tuple(paced_turns(offsets, degrees)), start_rest_s=2.0 + offsets[0])
    clip = generate_ext(tl, truth, "front")
    ex = SPEC.machine(SPEC)
    for p in clip.poses:
        ex.update(p)
    ex.finish(clip.poses[-1].timestamp_s)
    return ex.second_pass(clip.poses), truth


def test_timing_error_and_amplitude_decrement_match_the_generator():
    offsets = [0.0, 0.2, -0.15, 0.3, 0.0, -0.25, 0.1, 0.0, 0.35]
    degrees = [50.0, 48.0, 46.0, 43.0, 40.0, 37.0, 34.0, 31.0, 28.0]
    ex, truth = run(offsets, degrees)
    onsets = [t["start_s"] for t in truth["turns"]]
    assert np.allclose(np.array(onsets) - onsets[0], np.arange(9) * PERIOD_S + np.array(offsets) - offsets[0], atol=1e-3)
    got = pacing_metrics(ex.reps, Tempo.per_minute(60 / PERIOD_S), "range_deg")
    assert len(got.reps) == 9 and got.missed_beats == 0
    want_err = np.array(offsets) - offsets[0]
    assert np.allclose([p.timing_error_s for p in got.reps], want_err, atol=0.1)
    # Head turns are read from the picture: within 4 deg on true landmarks (exercises.head_turn).
    assert np.allclose([p.amplitude for p in got.reps], degrees, atol=4.0)
    assert got.decrement and got.decrement_share == pytest.approx(1 - np.mean(degrees[-3:]) / np.mean(degrees[:3]), abs=0.05)
    # "Bigger!" under 80% of the best: the turns of 37 deg and less (40 of 50 sits on the line).
    cued = [p.bigger_cue for p in got.reps]
    assert cued[5:] == [True] * 4 and cued[:4] == [False] * 4


def test_steady_amplitude_is_no_decrement():
    ex, _ = run([0.0] * 8, [45.0] * 8)
    got = pacing_metrics(ex.reps, PERIOD_S, "range_deg")
    assert not got.decrement and not any(p.bigger_cue for p in got.reps)
    assert got.mean_abs_error_s < 0.1


def test_a_skipped_beat_is_counted_and_the_tempo_read_both_ways():
    reps = [Rep(i + 1, s, s + 1.0, metrics={"range_deg": 40.0}) for i, s in enumerate([1.0, 2.5, 5.5, 7.0])]
    got = pacing_metrics(reps, Tempo.per_minute(40))
    assert [p.beat for p in got.reps] == [0, 1, 3, 4] and got.missed_beats == 1
    assert Tempo(1.5).per_min == pytest.approx(40.0)
    with pytest.raises(ValueError):
        Tempo.per_minute(0)


def test_click_is_a_short_1khz_tick_without_a_pop():
    sr = metronome.SAMPLE_RATE
    c = metronome.click(sr)
    assert c.dtype == np.float32 and len(c) == round(metronome.CLICK_S * sr)
    assert np.max(np.abs(c)) <= 0.8 + 1e-6 and abs(c[0]) < 1e-3
    spectrum = np.abs(np.fft.rfft(c, 8 * len(c)))
    freqs = np.fft.rfftfreq(8 * len(c), 1 / sr)
    assert freqs[np.argmax(spectrum)] == pytest.approx(metronome.CLICK_HZ, rel=0.05)
    accent = metronome.click(sr, accent=True)
    spectrum = np.abs(np.fft.rfft(accent, 8 * len(accent)))
    assert freqs[np.argmax(spectrum)] == pytest.approx(metronome.ACCENT_HZ, rel=0.05)


def test_beat_track_puts_a_click_on_every_beat():
    sr = metronome.SAMPLE_RATE
    track = metronome.beat_track(40, 10.0, sr)
    assert len(track) == 10 * sr and np.max(np.abs(track)) <= 1.0
    loud = np.abs(track) > 0.05
    onsets = np.flatnonzero(loud & ~np.concatenate([[False], loud[:-1]]))
    onsets = onsets[np.concatenate([[True], np.diff(onsets) > 0.5 * sr])] / sr
    assert np.allclose(onsets, np.arange(7) * 1.5, atol=0.005)
    assert np.allclose(metronome.beat_times(40, 10.0), np.arange(7) * 1.5)
