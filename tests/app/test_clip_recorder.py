"""Recording a clip for the physio (``coach.app.clip_recorder``) without a browser: frames from a
synthetic clip go through the recorder as the camera would send them; the stored landmark track is
checked against the generator's true landmarks, the 30-s limit against the frame times fed in."""
from __future__ import annotations

import numpy as np
import pytest

from coach.app.clip_recorder import ClipRecorder, save_recording
from coach.store import Store


@pytest.fixture(scope="module")
def synth_clip():
    from coach.synth import ClipSpec, generate

    clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=1, fps=15.0, start_rest_s=0.5, end_rest_s=0.5))
    return clip, list(clip.frames())


@pytest.fixture
def store(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'd' / 'coach.db'}", fallback_dirs=[tmp_path / "u"])
    s.add_patient("P001")
    yield s
    s.close()


def test_recorder_stops_at_its_limit_and_shows_a_mirrored_picture(synth_clip):
    clip, frames = synth_clip
    rec = ClipRecorder(max_s=2.0)
    shown = None
    for k, image in enumerate(frames):
        shown = rec.process(image, 100.0 + k / clip.fps)  # a stream clock that does not start at 0
    kept = rec.recording()
    assert rec.finished and len(kept.frames_jpeg) == 30  # 0.0 .. 1.933 s at 15 fps: 30 frames under 2 s
    assert kept.timestamps_s[0] == 0.0 and kept.timestamps_s[-1] == pytest.approx(29 / 15)
    assert kept.duration_s == pytest.approx(2.0) and kept.fps == pytest.approx(15.0)
    assert kept.size == clip.size
    # the picture shown is mirrored (like a mirror); what is kept is not
    last = frames[len(frames) - 1]
    assert np.mean(np.abs(shown[200:].astype(int) - last[200:, ::-1].astype(int))) < 1.0
    first = next(kept.images())
    assert np.mean(np.abs(first.astype(int) - frames[0].astype(int))) < 4.0  # JPEG, not mirrored


def test_stop_keeps_what_was_recorded(synth_clip):
    clip, frames = synth_clip
    rec = ClipRecorder()
    for k, image in enumerate(frames[:10]):
        rec.process(image, k / clip.fps)
    rec.stop()
    rec.process(frames[10], 10 / clip.fps)
    assert rec.finished and len(rec.recording().frames_jpeg) == 10


@pytest.mark.parametrize("consent", [True, False])
def test_saved_clip_has_the_true_landmarks_and_video_only_with_consent(synth_clip, store, consent):
    clip, frames = synth_clip
    store.update_patient("P001", video_opt_in=consent)
    rec = ClipRecorder()
    for k, image in enumerate(frames):
        rec.process(image, k / clip.fps)
    rec.stop()
    saved = save_recording(store, "P001", rec.recording(), "freezing at the doorway", model="lite")
    assert saved.note == "freezing at the doorway" and saved.n_frames == len(frames)
    assert saved.duration_s == pytest.approx(len(frames) / clip.fps)
    assert saved.has_video is consent
    track = store.clip_track(saved.id)
    np.testing.assert_allclose(track.timestamps_s, [p.timestamp_s for p in clip.poses], atol=1e-9)
    # against the generator's own landmarks: hips and shoulders within 4% of the picture in most frames
    found = ~np.isnan(track.image[:, 0, 0])
    assert found.mean() >= 0.9, found.mean()
    truth = np.stack([p.image[:, :2] for p in clip.poses])
    joints = [11, 12, 23, 24]
    err = np.linalg.norm(track.image[found][:, joints, :2] - truth[found][:, joints], axis=-1)
    assert np.median(err) < 0.04, np.median(err)
    if consent:
        import cv2

        cap = cv2.VideoCapture(saved.video_path)
        n = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        cap.release()
        assert n == len(frames)
    else:
        assert not list((store.media_dir).rglob("*.mp4"))  # no picture kept anywhere


def test_a_failed_save_leaves_no_video_behind(synth_clip, store, monkeypatch):
    from coach.store import StoreWriteError

    clip, frames = synth_clip
    store.update_patient("P001", video_opt_in=True)
    rec = ClipRecorder()
    for k, image in enumerate(frames[:20]):
        rec.process(image, k / clip.fps)

    def locked(*args, **kwargs):
        raise StoreWriteError("Could not save the clip: database is locked")

    monkeypatch.setattr(store, "save_clip", locked)
    with pytest.raises(StoreWriteError):
        save_recording(store, "P001", rec.recording(), "x", model="lite")
    assert not list(store.media_dir.rglob("*.mp4"))
