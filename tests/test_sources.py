from pathlib import Path

import pytest

from coach.sources import SourceError, VideoFileSource, parse_camera
from tests.conftest import write_noise_video


def test_file_source_gives_increasing_container_timestamps(tmp_path):
    video = write_noise_video(tmp_path / "v.mp4", frames=25, fps=25.0)
    source = VideoFileSource(video)
    frames = list(source)
    assert source.fps == pytest.approx(25.0)
    assert len(frames) == 25
    times = [f.timestamp_s for f in frames]
    assert times[0] == pytest.approx(0.0, abs=1e-6)
    assert all(b > a for a, b in zip(times, times[1:]))
    assert times[-1] == pytest.approx(24 / 25, abs=0.01)
    assert frames[0].image.shape == (240, 320, 3)
    assert not source.truncated


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "no such file"),
    (lambda p: (p.write_text("not a video at all\n" * 50), p)[1], "not a readable video"),
    (lambda p: (p.write_bytes(b""), p)[1], "empty"),
    (lambda p: (p.mkdir(), p)[1], "folder"),
])
def test_bad_files_raise_clear_errors(tmp_path, make, message):
    with pytest.raises(SourceError, match=message):
        VideoFileSource(make(tmp_path / "clip.mp4"))


def test_truncated_file_yields_what_it_has_and_says_so(tmp_path):
    video = write_noise_video(tmp_path / "full.mp4", frames=60)
    cut = tmp_path / "cut.mp4"
    data = video.read_bytes()
    cut.write_bytes(data[: int(len(data) * 0.85)])  # faststart: the index is at the front, frames after it
    source = VideoFileSource(cut)
    frames = list(source)
    assert 0 < len(frames) < 60
    assert source.truncated


def test_camera_spec_parsing():
    assert parse_camera("0") == 0
    assert parse_camera(2) == 2
    assert parse_camera("/dev/video1") == "/dev/video1"


def test_missing_camera_is_a_clear_error():
    from coach.sources import CameraSource

    with pytest.raises(SourceError, match="could not be opened"):
        CameraSource("/dev/video-does-not-exist")


def browser_webm(path: Path, frames: int = 40) -> tuple[Path, list[float]]:
    """A WebM like a browser recorder's: variable frame rate (a frame every 32 ms, every 7th late by
    48 ms), no duration and a header frame rate of 1000 (the clock's tick). Returns (path, times)."""
    import subprocess

    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    cmd = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "lavfi",
           "-i", "testsrc=size=160x120:rate=1000", "-frames:v", str(frames),
           "-vf", "settb=1/1000,setpts='(N*32+floor(N/7)*48)/1000/TB'", "-fps_mode", "passthrough",
           "-enc_time_base", "1/1000", "-c:v", "libvpx", "-b:v", "200k", "-f", "webm", "-"]
    done = subprocess.run(cmd, capture_output=True)
    if done.returncode != 0 or not done.stdout:
        pytest.skip(f"ffmpeg cannot write a VP8 WebM here: {done.stderr[-200:]!r}")
    path.write_bytes(done.stdout)  # written to a pipe: no duration, as a browser's
    return path, [(n * 32 + (n // 7) * 48) / 1000 for n in range(frames)]


def test_a_browser_webm_is_timed_by_each_frames_own_timestamp(tmp_path):
    video, times = browser_webm(tmp_path / "browser.webm")
    import cv2

    assert cv2.VideoCapture(str(video)).get(cv2.CAP_PROP_FPS) == pytest.approx(1000.0)  # the false header
    source = VideoFileSource(video)
    frames = list(source)
    assert [f.timestamp_s for f in frames] == pytest.approx(times, abs=0.002)
    assert not source.fps_from_header and source.fps == pytest.approx(1 / 0.032, rel=0.02)
    assert source.declared_frames == 0 and not source.truncated
