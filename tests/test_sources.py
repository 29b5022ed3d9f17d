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
