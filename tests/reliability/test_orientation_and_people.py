"""Issue 11 item 3: a video turned on its side or upside down is turned upright (not 0 reps with
"a person found in 100% of frames"), and a second person in view is found and named."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from coach.analysis import analyze_video
from tests.conftest import require_model

SAMPLE = Path(__file__).resolve().parents[2] / "sample_videos" / "sit_to_stand_side_5.mp4"
SECONDS = 8.0


@pytest.fixture(scope="module")
def frames():
    require_model("lite")
    cap = cv2.VideoCapture(str(SAMPLE))
    fps = cap.get(cv2.CAP_PROP_FPS)
    out = []
    while len(out) < int(SECONDS * fps):
        ok, f = cap.read()
        if not ok:
            break
        out.append(f)
    cap.release()
    return out, fps


def write(path: Path, images, fps) -> Path:
    h, w = images[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for im in images:
        writer.write(im)
    writer.release()
    return path


@pytest.fixture(scope="module")
def upright(frames, tmp_path_factory):
    images, fps = frames
    path = write(tmp_path_factory.mktemp("v") / "upright.mp4", images, fps)
    return analyze_video(path, "sit-to-stand", model="lite")


@pytest.mark.parametrize("turn, expected", [(cv2.ROTATE_90_CLOCKWISE, 270), (cv2.ROTATE_180, 180)])
def test_turned_video_is_analysed_upright(frames, upright, tmp_path, turn, expected):
    images, fps = frames
    path = write(tmp_path / "turned.mp4", [cv2.rotate(im, turn) for im in images], fps)
    result = analyze_video(path, "sit-to-stand", model="lite")
    assert result.rotated_deg == expected and result.orientation == "upright" and not result.orientation_problem
    assert len(result.counted) == len(upright.counted) >= 1
    assert "turned" in result.warnings[0]


def test_second_person_beside_the_patient_is_found_and_named(frames, tmp_path):
    images, fps = frames
    shift = int(2 * fps)
    h, w = images[0].shape[:2]
    two = [cv2.resize(np.hstack([images[i], images[(i + shift) % len(images)]]), (w, h)) for i in range(len(images))]
    result = analyze_video(write(tmp_path / "two.mp4", two, fps), "sit-to-stand", model="lite")
    warning = next(w for w in result.warnings if "two people" in w)
    assert "only the reps of the person on the" in warning and "of the picture were counted" in warning
    assert result.counted_person


def test_one_person_gives_no_second_person_warning(upright):
    assert not any("two people" in w for w in upright.warnings) and upright.counted_person == ""
