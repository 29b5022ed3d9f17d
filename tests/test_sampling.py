"""Adaptive frame sampling (``coach.pose.sampling``) on generated truth, and its place in file mode.

Logic-level: the sampler and the interpolation on landmark signals made here (a body at rest, then
sine-shaped reps at known times), the sampled frame loop on a real small video with a stand-in pose
model, and the ``--every-frame`` flag's path. The pose model itself is not needed.
"""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from coach.pose.frame import PoseFrame, PoseSeries
from coach.pose.landmarks import Landmark as L
from coach.pose.sampling import AdaptiveSampler, SamplingConfig, hold, interpolate, sample_series

FPS = 30.0
SIZE = (640, 480)
REST_S, REP_S = 2.0, 1.6  # rest, then a rep lasting REP_S (down and up), then rest ...
REPS = 3


def _base() -> tuple[np.ndarray, np.ndarray]:
    """A standing body: (33, 4) image landmarks (torso 0.2 of the picture tall) and (33, 3) world."""
    rng = np.random.default_rng(0)
    image = np.zeros((33, 4))
    image[:, 0] = 0.5 + rng.uniform(-0.05, 0.05, 33)
    image[:, 1] = np.linspace(0.15, 0.85, 33)
    image[:, 3] = 0.95
    image[[L.LEFT_SHOULDER, L.RIGHT_SHOULDER], 1] = 0.3
    image[[L.LEFT_HIP, L.RIGHT_HIP], 1] = 0.5
    return image, rng.uniform(-0.5, 0.5, (33, 3))


def rep_windows() -> list[tuple[float, float]]:
    return [(REST_S + k * (REP_S + REST_S), REST_S + k * (REP_S + REST_S) + REP_S) for k in range(REPS)]


def depth(t: float) -> float:
    """How far the lower body has gone down at ``t``: 0 at rest, a sin^2 hump of 0.1 over each rep."""
    for start, end in rep_windows():
        if start <= t <= end:
            return 0.1 * np.sin(np.pi * (t - start) / (end - start)) ** 2
    return 0.0


def squat_track(jitter: float = 0.0) -> PoseSeries:
    image, world = _base()
    n = int((REST_S + REPS * (REP_S + REST_S)) * FPS)
    rng = np.random.default_rng(1)
    frames = []
    for i in range(n):
        t = i / FPS
        img = image.copy()
        img[L.LEFT_HIP:, 1] += depth(t)  # hips, knees, ankles and feet go down and up
        img[:, :2] += rng.normal(0, jitter, (33, 2))
        frames.append(PoseFrame(t, img, world.copy(), SIZE))
    return PoseSeries.from_frames(frames, SIZE)


def hip_signal(pose: PoseFrame) -> np.ndarray:
    """The counting signal of this made-up exercise: the hips' drop, in units of its smallest rep
    (a quarter of the real one's)."""
    return np.array([(pose.image[L.LEFT_HIP, 1] - 0.5) / 0.025])


def picked_indices(series: PoseSeries, config: SamplingConfig | None = None) -> np.ndarray:
    return sample_series(series, FPS, config, signal=hip_signal)[1]


def test_rests_are_sampled_sparsely_and_movement_densely():
    series = squat_track(jitter=0.0005)
    picked = picked_indices(series)
    t = series.timestamps_s[picked]
    moving = np.array([any(s <= x <= e for s, e in rep_windows()) for x in t])
    rest_steps = np.diff(picked)[~moving[1:] & ~moving[:-1]]
    move_steps = np.diff(picked)[moving[1:] & moving[:-1]]
    max_step = int(SamplingConfig().max_gap_s * FPS)
    assert rest_steps.max() == max_step  # holds and rests: the longest step
    assert move_steps.mean() < rest_steps.mean() / 2  # movement: much denser
    assert len(picked) < 0.6 * len(series)


def test_never_more_than_the_longest_step_across_a_rep_boundary_and_dense_at_the_turn():
    series = squat_track(jitter=0.0005)
    picked = picked_indices(series)
    max_step = int(SamplingConfig().max_gap_s * FPS)
    assert np.diff(picked).max() <= max_step
    t = series.timestamps_s
    for start, end in rep_windows():
        for boundary in (start, end):
            before = picked[t[picked] <= boundary].max()
            after = picked[t[picked] >= boundary].min()
            assert after - before <= max_step, (boundary, before, after)
        # Just after the movement starts, the sampler has already gone dense (a step of 1 or 2).
        after_start = picked[(t[picked] > start + 0.25) & (t[picked] < start + 0.5)]
        assert np.diff(after_start).max() <= 2
        # At the bottom (the turn): never more than the moving step (0.1 s), mostly every frame.
        bottom = picked[np.abs(t[picked] - (start + end) / 2) < 0.15]
        assert len(bottom) >= 5 and np.diff(bottom).max() <= int(SamplingConfig().moving_gap_s * FPS)


def test_the_sampled_track_stays_within_a_small_error_of_the_truth():
    series = squat_track()
    sampled, picked = sample_series(series, FPS, signal=hip_signal)
    torso = 0.2 * SIZE[1]
    err_px = np.abs(sampled.image[:, :, :2] - series.image[:, :, :2]) * np.array(SIZE)
    assert err_px.max() / torso < 2 * SamplingConfig().tol
    assert np.array_equal(sampled.image[picked], series.image[picked])  # samples are the model's own


def test_interpolation_is_exact_for_linear_motion_visibility_and_world_included():
    image, world = _base()
    a = PoseFrame(1.0, image, world, SIZE)
    b_image, b_world = image.copy(), world.copy()
    b_image[:, :3] += 0.05
    b_image[:, 3] = 0.35
    b_world += np.linspace(-0.2, 0.2, 99).reshape(33, 3)
    b = PoseFrame(1.5, b_image, b_world, SIZE)
    between = interpolate(a, b, [1.1, 1.25, 1.4])
    for pose, w in zip(between, (0.2, 0.5, 0.8)):
        assert pose.timestamp_s == pytest.approx(1.0 + 0.5 * w)
        np.testing.assert_allclose(pose.image, (1 - w) * image + w * b_image, atol=1e-12)
        np.testing.assert_allclose(pose.world, (1 - w) * world + w * b_world, atol=1e-12)
    np.testing.assert_allclose(between[1].visibility, (0.95 + 0.35) / 2)


def test_nobody_at_either_end_leaves_the_frames_between_empty_and_a_held_pose_is_the_last():
    image, world = _base()
    a = PoseFrame(0.0, image, world, SIZE)
    nobody = PoseFrame.empty(0.2, SIZE)
    assert not any(p.has_person for p in interpolate(a, nobody, [0.1]))
    assert not any(p.has_person for p in interpolate(nobody, a, [0.1]))
    held = hold(a, [0.3, 0.4])
    assert [p.timestamp_s for p in held] == [0.3, 0.4]
    assert all(np.array_equal(p.image, image) for p in held)


def test_nobody_found_or_low_visibility_keeps_the_sampler_dense():
    image, world = _base()
    sampler = AdaptiveSampler(FPS)
    for i in range(20):  # still, well seen: the step grows
        step = sampler.observe(PoseFrame(i / FPS, image, world, SIZE))
    assert step > 1
    assert sampler.observe(PoseFrame.empty(1.0, SIZE)) == 1
    faint = image.copy()
    faint[:, 3] = 0.2
    for i in range(10):
        assert AdaptiveSampler(FPS).observe(PoseFrame(i / FPS, faint, world, SIZE)) == 1


def test_step_never_exceeds_max_gap_at_any_frame_rate():
    image, world = _base()
    for fps in (15.0, 25.0, 60.0):
        sampler = AdaptiveSampler(fps)
        steps = [sampler.observe(PoseFrame(i / fps, image, world, SIZE)) for i in range(200)]
        assert max(steps) == int(SamplingConfig().max_gap_s * fps)


def test_sampled_frame_loop_yields_every_frame_in_order_and_decodes_only_the_samples(tmp_path):
    from coach.file_poses import sampled
    from coach.threads import read_ahead
    from coach.sources import VideoFileSource
    from tests.conftest import write_noise_video

    video = write_noise_video(tmp_path / "v.mp4", frames=90, fps=30.0)
    image, world = _base()
    sent = []

    def estimate(frame):  # a stand-in pose model: a body sliding right at constant speed
        sent.append(frame.index)
        assert frame.image is not None
        img = image.copy()
        img[:, 0] += 0.001 * frame.index
        return PoseFrame(frame.timestamp_s, img, world, SIZE), 1

    source = VideoFileSource(video)
    counter = [0]
    out = list(sampled(lambda wanted: read_ahead(source.frames(decode=wanted), 1), estimate,
                       AdaptiveSampler(source.fps), source.declared_frames - 1, counter=counter))
    assert [f.index for f, _, _ in out] == list(range(90))
    assert counter[0] == len(sent) < 45 and sent[0] == 0 and sent[-1] == 89
    skipped = [f for f, _, _ in out if f.index not in sent]
    converted_in_vain = [f for f in skipped if f.image is not None]  # at most the frame after each sample
    assert len(converted_in_vain) <= counter[0]
    assert len(skipped) - len(converted_in_vain) > len(skipped) / 3
    for frame, pose, _ in out:  # linear motion: interpolation gives the model's answer exactly
        np.testing.assert_allclose(pose.image[:, 0], image[:, 0] + 0.001 * frame.index, atol=1e-9)
    times = [f.timestamp_s for f, _, _ in out]
    assert all(b > a for a, b in zip(times, times[1:]))


def _sliding_sample_run(video, costly: bool, reader_delay=None):
    """The sampled loop over ``video`` with a stand-in model (a body sliding right at constant
    speed): (frames sent to the model, frames that came converted)."""
    from coach.file_poses import sampled
    from coach.sources import VideoFileSource
    from coach.threads import read_ahead

    image, world = _base()
    sent = []

    def estimate(frame):
        sent.append(frame.index)
        img = image.copy()
        img[:, 0] += 0.001 * frame.index
        return PoseFrame(frame.timestamp_s, img, world, SIZE), 1

    source = VideoFileSource(video)

    def frames(decode):
        for frame in source.frames(decode=decode):
            if reader_delay is not None:
                reader_delay(frame.index)
            yield frame
    out = list(sampled(lambda decode: read_ahead(frames(decode), 1), estimate, AdaptiveSampler(source.fps),
                       source.declared_frames - 1, costly=lambda: costly))
    assert [f.index for f, _, _ in out] == list(range(source.declared_frames))
    return sent, [f.index for f, _, _ in out if f.image is not None]


def test_the_frames_sampled_do_not_depend_on_the_reader_threads_timing(tmp_path):
    """The reader decides which frames to convert beside the pose model: however fast or slow it
    runs, the model gets the same frames (only the frames converted in vain may differ)."""
    import random
    import time
    from tests.conftest import write_noise_video

    video = write_noise_video(tmp_path / "v.mp4", frames=90, fps=30.0)
    plain, _ = _sliding_sample_run(video, costly=False)
    jitter = random.Random(3)
    slow, _ = _sliding_sample_run(video, costly=False, reader_delay=lambda i: time.sleep(jitter.uniform(0, 0.004)))
    costly, _ = _sliding_sample_run(video, costly=True)
    assert plain == slow == costly


def test_a_costly_conversion_is_not_made_for_frames_the_model_will_skip(tmp_path):
    """A 10-bit video's conversion to a picture costs ten grabs: in a sparse stretch the reader
    waits for the model's step instead of converting the next frame in case."""
    from tests.conftest import write_noise_video

    video = write_noise_video(tmp_path / "v.mp4", frames=90, fps=30.0)
    sent, converted = _sliding_sample_run(video, costly=True)
    cheap_sent, cheap_converted = _sliding_sample_run(video, costly=False)
    assert sent == cheap_sent
    in_vain = set(converted) - set(sent)
    assert len(in_vain) <= 2  # where the dense start ends
    assert len(set(cheap_converted) - set(cheap_sent)) > len(in_vain)


def test_stopping_the_sampled_loop_early_ends_its_reader(tmp_path):
    """A consumer that stops (an analysis turned round, an error) must not leave the reader
    waiting for a pose pass that will never come."""
    import threading
    import time
    from coach.file_poses import sampled
    from coach.sources import VideoFileSource
    from coach.threads import read_ahead
    from tests.conftest import write_noise_video

    video = write_noise_video(tmp_path / "v.mp4", frames=90, fps=30.0)
    image, world = _base()
    source = VideoFileSource(video)
    loop = sampled(lambda decode: read_ahead(source.frames(decode=decode), 1),
                   lambda f: (PoseFrame(f.timestamp_s, image, world, SIZE), 1), AdaptiveSampler(source.fps),
                   source.declared_frames - 1)
    for _ in range(10):
        next(loop)
    start = time.perf_counter()
    loop.close()
    assert time.perf_counter() - start < 2.0
    assert not [t for t in threading.enumerate() if t.name == "read-ahead"]


def test_source_frames_without_decoding_keep_their_timestamps(tmp_path):
    from coach.sources import VideoFileSource
    from tests.conftest import write_noise_video

    video = write_noise_video(tmp_path / "v.mp4", frames=20, fps=25.0)
    every = [(f.index, f.timestamp_s) for f in VideoFileSource(video)]
    some = list(VideoFileSource(video).frames(decode=lambda i: i % 3 == 0))
    assert [(f.index, f.timestamp_s) for f in some] == every
    assert all((f.image is not None) == (f.index % 3 == 0) for f in some)


@pytest.mark.parametrize("argv, expected", [([], None), (["--every-frame"], True), (["--adaptive"], False)])
def test_every_frame_flag_reaches_the_analysis(monkeypatch, tmp_path, argv, expected):
    import coach.commands.analyze as analyze
    from coach.cli import build_parser

    seen = {}

    def fake_analyze(video, exercise, **kw):
        seen.update(kw)
        raise SystemExit(0)

    monkeypatch.setattr(analyze, "analyze_video", fake_analyze)
    args = build_parser().parse_args(["analyze", str(tmp_path / "v.mp4"), "-e", "squat", "--no-video", "-q",
                                      "--out", str(tmp_path / "out"), *argv])
    with pytest.raises(SystemExit):
        analyze.run_analysis(args.video, args)
    assert seen["every_frame"] is expected


@pytest.mark.parametrize("argv, expected", [([], None), (["--every-frame"], True), (["--adaptive"], False)])
def test_every_frame_flag_of_coach_test(monkeypatch, tmp_path, argv, expected):
    import coach.commands.analyze as analyze
    from coach.cli import build_parser

    seen = {}

    def fake_run_analysis(video, args):
        seen["every_frame"] = args.every_frame
        raise SystemExit(0)

    monkeypatch.setattr(analyze, "run_analysis", fake_run_analysis)
    args = build_parser().parse_args(["test", "five-times-sts", str(tmp_path / "v.mp4"), *argv])
    with pytest.raises(SystemExit):
        args.func(args)
    assert seen["every_frame"] is expected


def _real_tracks():
    from tests.robustness.tracks import TRACKS

    return sorted(p.stem for p in TRACKS.glob("*.npz"))


@pytest.mark.parametrize("name", _real_tracks())
def test_real_motion_sampled_keeps_the_human_count_and_the_rep_times(name):
    """The robustness suite's real landmark tracks, sampled as file mode would sample them (the
    tracker's own behaviour on skipped frames aside): the human count, and every rep's completion
    within 0.1 s of the every-frame run's."""
    from coach.evaluation import completion_time
    from coach.pose.sampling import counting_signal
    from tests.robustness.tracks import TRACKS, counted, load_track, run

    series, meta = load_track(TRACKS / f"{name}.npz")
    fps = 1.0 / float(np.median(np.diff(series.timestamps_s)))
    sampled, picked = sample_series(series, fps, signal=counting_signal(meta["exercise"]))
    dense, adaptive = run(series, meta["exercise"]), run(sampled, meta["exercise"])
    assert counted(adaptive) == counted(dense) == meta["true_reps"]
    assert [r.counted for r in adaptive.reps] == [r.counted for r in dense.reps]
    for a, d in zip(adaptive.reps, dense.reps):
        assert abs(completion_time(a) - completion_time(d)) <= 0.1
    assert len(picked) < len(series)


class _SlidingBody:
    """A stand-in pose model for ``analyze_video``: a body sliding right at constant speed."""

    mode = "video"

    def __init__(self):
        self.calls = 0
        self.image, self.world = _base()

    def estimate(self, rgb, timestamp_s):
        self.calls += 1
        img = self.image.copy()
        img[:, 0] += 0.03 * timestamp_s
        return PoseFrame(timestamp_s, img, self.world, (rgb.shape[1], rgb.shape[0]))


@pytest.mark.parametrize("every_frame", [None, False, True])
def test_analysis_samples_when_asked_and_still_gives_every_frame_a_pose(tmp_path, every_frame):
    """A recording's analysis runs the pose model on part of the frames when sampling (asked for, or
    the default when EVERY_FRAME_BY_DEFAULT is off), on all of them otherwise, and gives a pose
    (interpolated where the model skipped) for every frame either way."""
    from coach.analysis import EVERY_FRAME_BY_DEFAULT, analyze_video
    from tests.conftest import write_noise_video

    video = write_noise_video(tmp_path / "v.mp4", frames=90, fps=30.0)
    model = _SlidingBody()
    result = analyze_video(video, "squat", estimator=model, every_frame=every_frame)
    assert result.frames == len(result.poses) == 90
    assert result.model_frames == model.calls
    if every_frame or (every_frame is None and EVERY_FRAME_BY_DEFAULT):
        assert model.calls == 90
    else:
        assert model.calls < 45
    x = result.poses.image[:, 0, 0]  # constant speed: interpolation gives the model's answer
    np.testing.assert_allclose(x, model.image[0, 0] + 0.03 * result.poses.timestamps_s, atol=1e-9)
