"""Paced movement through the live session: head turns made with known offsets from a metronome
beat and shrinking amplitude (truth from the generator), judged live against the wall-clock beat
grid; the beat sound's samples on that grid; the browser metronome's click."""
import base64
import io
import wave

import numpy as np
import pytest

from coach.app.live_panels import click_wav_b64, metronome_html
from coach.live import LiveSession, SetPlan
from coach.live import metronome
from coach.live.beat_player import PipeBeatPlayer, make_beat_player, render_block
from coach.live.hud import LiveHud
from coach.live.pacer import BIGGER_CUE, LivePacer
from coach.live.sets import ACTIVE
from coach.live.sinks import MetronomeSink
from coach.pipeline import Pipeline
from coach.sources import TimedFrame
from coach.synth.extended import generate_ext
from coach.synth.scripts.head_turn import BACK_S, HOLD_S, TURN_S, Turn, script
from exercises.head_turn import SPEC
from exercises.pacing import Tempo
from tests.live.conftest import TruthEstimator

PERIOD_S = 2.5
FIRST_BEAT_S = 3.0  # session time of the beat the first turn is made on
WALL_AT_ZERO = 1_000_000 * PERIOD_S - FIRST_BEAT_S  # wall clock at session time 0: beats on the epoch grid
IMAGE = np.full((240, 320, 3), 90, np.uint8)


def click_onsets(audio, gap=100):
    """Indices where a click begins: sound after at least ``gap`` silent samples (a click's sine
    crosses zero inside it)."""
    loud = np.flatnonzero(np.abs(audio) > 1e-4)
    return loud[np.concatenate([[True], np.diff(loud) > gap])] if len(loud) else loud


def paced_turns(offsets, degrees):
    """Turns whose onsets are FIRST_BEAT_S + k * PERIOD_S + offsets[k]."""
    turns = []
    for k, (off, deg) in enumerate(zip(offsets, degrees)):
        nxt = (k + 1) * PERIOD_S + (offsets[k + 1] if k + 1 < len(offsets) else 0.0)
        pause = nxt - (k * PERIOD_S + off + TURN_S + HOLD_S + BACK_S)
        turns.append(Turn("left" if k % 2 == 0 else "right", deg, pause_s=max(pause, 0.0)))
    return tuple(turns)


def run_live(offsets, degrees):
    tl, truth = script(paced_turns(offsets, degrees), start_rest_s=FIRST_BEAT_S + offsets[0])
    clip = generate_ext(tl, truth, "front", size=(320, 240))
    now = {"t": 0.0}
    session = LiveSession(Pipeline(TruthEstimator(clip.poses, clip.fps), SPEC.machine(SPEC)), SPEC.name,
                          plan=SetPlan(sets=1, reps=len(offsets), rest_s=0, skip_countdown=True, setup_gate=False),
                          pacer=LivePacer.for_exercise(SPEC.name, Tempo(PERIOD_S)), renderer=LiveHud(),
                          clock=lambda: 0.0, wall_clock=lambda: WALL_AT_ZERO + now["t"])
    updates = []
    for i, p in enumerate(clip.poses):
        now["t"] = p.timestamp_s
        updates.append(session.push(TimedFrame(i, p.timestamp_s, IMAGE), captured_at=0.0))
    return session, updates, truth


def test_live_timing_errors_and_amplitude_against_the_beat_match_the_generator():
    offsets = [0.0, 0.2, -0.15, 0.3, 0.0, -0.25, 0.1, 0.0, 0.35]
    degrees = [50.0, 48.0, 46.0, 43.0, 40.0, 37.0, 34.0, 31.0, 28.0]
    session, updates, truth = run_live(offsets, degrees)
    reps = [r for u in updates for r in u.reps if r.counted]
    assert len(reps) == len(offsets)
    # Truth: each turn's onset from the generator, against the beat it was made on.
    onsets = np.array([t["start_s"] for t in truth["turns"]])
    want_err = onsets - (FIRST_BEAT_S + PERIOD_S * np.arange(len(offsets)))
    assert np.allclose(want_err, offsets, atol=0.02)
    assert np.allclose([r.metrics["timing_error_s"] for r in reps], want_err, atol=0.1)
    assert [r.metrics["beat"] for r in reps] == list(range(1, len(offsets) + 1))
    assert np.allclose([r.metrics["amplitude_share"] for r in reps], np.array(degrees) / degrees[0], atol=0.05)
    # "Bigger!" when a turn falls under 80% of the best (50 deg): from 37 deg on, at most every 4 s.
    bigger = [u.time_s for u in updates for c in u.cues if c.text == BIGGER_CUE]
    first_small = truth["turns"][degrees.index(37.0)]["end_s"]
    assert bigger and bigger[0] == pytest.approx(first_small, abs=1.0)
    assert all(b - a >= 4.0 for a, b in zip(bigger, bigger[1:]))
    summary = session.finish()
    pacing = summary.sets[0].pacing
    assert pacing["decrement"] and pacing["decrement_share"] == pytest.approx(
        1 - np.mean(degrees[-3:]) / np.mean(degrees[:3]), abs=0.05)
    assert pacing["missed_beats"] == 0
    assert pacing["mean_abs_error_s"] == pytest.approx(np.mean(np.abs(want_err)), abs=0.08)
    kinds = [e.kind for e in summary.events]
    assert "pacing" in kinds and "amplitude_decrement" in kinds


def test_the_hud_pulses_on_the_beat():
    session, updates, _ = run_live([0.0] * 3, [45.0] * 3)
    active = [u for u in updates if u.phase == ACTIVE and u.beat is not None]
    on_beat = [u for u in active if abs(((u.time_s - FIRST_BEAT_S) / PERIOD_S) % 1.0) < 0.02]
    off_beat = [u for u in active if abs(((u.time_s - FIRST_BEAT_S) / PERIOD_S) % 1.0 - 0.5) < 0.02]
    assert on_beat and off_beat
    assert all(u.beat.pulse > 0.7 for u in on_beat) and all(u.beat.pulse == 0 for u in off_beat)
    # The disc at the top centre is lit (yellow) on the beat, not between beats.
    def yellow(u):
        top = u.image[:40, 130:190]
        return ((top[..., 1] > 150) & (top[..., 2] > 200) & (top[..., 0] < 80)).mean()
    assert yellow(on_beat[0]) > 0.1 and yellow(off_beat[0]) < 0.01


def test_steady_turns_on_the_beat_get_no_cue_and_no_decrement():
    session, updates, _ = run_live([0.0] * 7, [45.0] * 7)
    assert not [c for u in updates for c in u.cues if c.kind == "coach"]
    pacing = session.finish().sets[0].pacing
    assert not pacing["decrement"] and pacing["mean_abs_error_s"] < 0.1


def test_the_beat_sound_sits_on_the_epoch_grid_sample_exactly():
    sr, period = 8000, 0.75
    sound = metronome.click(sr)
    start = 1_000_000.3  # a stream that began between two beats of the 0.75 s grid
    stream = np.concatenate([render_block(i, 97, start, period, sr, sound) for i in range(0, 97 * 300, 97)])
    want = [k * period for k in range(int(np.ceil(start / period)), int((start + len(stream) / sr) / period) + 1)]
    onsets = click_onsets(stream)
    got = start + onsets / sr
    assert len(got) == len(want)
    assert np.allclose(got, want, atol=2.0 / sr)  # the click's first audible sample, within 2 samples
    # Each click whole, even across block edges.
    first = onsets[0]
    assert np.allclose(stream[first - 1:first - 1 + len(sound)], sound, atol=1e-6)


def test_the_player_writes_the_beat_and_stops_outside_active_sets(tmp_path):
    written = []

    class Pipe:
        def write(self, b):
            written.append(np.frombuffer(b, np.float32))

        def flush(self):
            pass

        def close(self):
            pass

    class Proc:
        stdin = Pipe()

        def terminate(self):
            pass

    # The player's clock advances 20 ms each time it looks and starts between two beats. On the real
    # clock a start within a click's length after a beat begins the stream with that click's tail
    # (by design: the grid is the wall clock's), read here as a first onset too early; one full run
    # failed so.
    clock = {"t": 0.1}

    def wall_clock() -> float:
        clock["t"] += 0.02
        return clock["t"]

    player = PipeBeatPlayer(["cat"], 0.5, popen=lambda *a, **k: Proc(), wall_clock=wall_clock)
    sink = MetronomeSink(player)
    from types import SimpleNamespace
    sink.on_update(SimpleNamespace(phase="active"))
    assert player.playing
    import time
    deadline = time.monotonic() + 30
    while clock["t"] < 1.4 and time.monotonic() < deadline:
        time.sleep(0.01)
    sink.on_update(SimpleNamespace(phase="rest"))
    assert not player.playing
    audio = np.concatenate(written)
    clicks = click_onsets(audio)
    assert 2 <= len(clicks) <= 4  # ~1.3 s at a beat every 0.5 s
    assert np.allclose(np.diff(clicks), 0.5 * metronome.SAMPLE_RATE, atol=2)


def test_no_audio_program_means_no_player():
    assert make_beat_player(1.5, which=lambda name: None) is None
    assert make_beat_player(1.5, engine="none", which=lambda name: "/usr/bin/" + name) is None
    assert make_beat_player(1.5, which=lambda name: "/usr/bin/aplay" if name == "aplay" else None).name == "aplay"


def test_the_browser_metronome_carries_our_click_and_the_period():
    raw = base64.b64decode(click_wav_b64())
    with wave.open(io.BytesIO(raw)) as w:
        assert w.getframerate() == metronome.SAMPLE_RATE and w.getnchannels() == 1
        samples = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32767
    assert np.allclose(samples, metronome.click(), atol=1e-3)
    page = metronome_html(1.5)
    assert "PERIOD = 1.5" in page and "40 a minute" in page and "http" not in page.replace("http-equiv", "")


def test_a_later_set_is_held_to_the_best_of_the_earlier_ones():
    from exercises.base import Rep

    pacer = LivePacer(Tempo(2.0), "range_deg", wall_offset_s=0.0)
    pacer.start_set(0.0)
    for k, deg in enumerate([50.0, 49.0, 50.0]):
        rep, cues = pacer.on_rep(2.0 * k + 1.5, Rep(k + 1, 2.0 * k, 2.0 * k + 1.5, metrics={"range_deg": deg}))
        assert not cues
    assert pacer.end_set().best_amplitude == 50.0
    pacer.start_set(20.0)
    rep, cues = pacer.on_rep(21.5, Rep(1, 20.0, 21.5, metrics={"range_deg": 35.0}))
    assert rep.metrics["amplitude_share"] == pytest.approx(0.7) and [c.text for c in cues] == [BIGGER_CUE]
    assert rep.metrics["timing_error_s"] == pytest.approx(0.0) and rep.metrics["beat"] == 1.0


def test_a_rep_begun_at_go_before_the_first_beat_is_not_judged_by_it():
    from exercises.base import Rep

    pacer = LivePacer(Tempo(4.0), None, wall_offset_s=0.0)
    pacer.start_set(10.0)  # "Go" at 10 s; the grid's beats are at 8, 12, 16 s; 12 is the first heard
    rep, _ = pacer.on_rep(11.5, Rep(1, 10.5, 11.5))  # within half a period of the first beat: early for it
    assert rep.metrics["timing_error_s"] == pytest.approx(-1.5) and rep.metrics["beat"] == 1.0
    rep, _ = pacer.on_rep(17.5, Rep(2, 16.3, 17.5))
    assert rep.metrics["timing_error_s"] == pytest.approx(0.3) and rep.metrics["beat"] == 2.0

    pacer = LivePacer(Tempo(4.0), None, wall_offset_s=0.0)
    pacer.start_set(12.5)  # "Go" just after the beat at 12: the first heard is 16
    rep, _ = pacer.on_rep(13.5, Rep(1, 12.6, 13.5))  # straight away, 3.4 s before any beat was heard
    assert "timing_error_s" not in rep.metrics and rep.metrics["onset_s"] == pytest.approx(12.6)
    rep, _ = pacer.on_rep(17.0, Rep(2, 16.1, 17.0))
    assert rep.metrics["timing_error_s"] == pytest.approx(0.1) and rep.metrics["beat"] == 1.0
    assert pacer.end_set().missed_beats == 0
