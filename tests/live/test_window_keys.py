"""The window sink without a display: OpenCV's window calls are replaced by fakes."""
import numpy as np

from coach.live.factory import LiveOptions, build_session
from coach.live.sinks import WindowSink
from coach.sources import TimedFrame

from tests.live.conftest import TruthEstimator


def test_q_stops_and_space_starts(monkeypatch, sts_clip):
    keys = []
    shown = []
    monkeypatch.setattr("cv2.namedWindow", lambda *a, **k: None)
    monkeypatch.setattr("cv2.destroyWindow", lambda *a, **k: None)
    monkeypatch.setattr("cv2.imshow", lambda title, img: shown.append(img.shape))
    monkeypatch.setattr("cv2.waitKey", lambda ms: keys.pop(0) if keys else -1)
    opts = LiveOptions(exercise="sit-to-stand", sets=1, reps=10, window=True, speech="none")
    session = build_session(opts, TruthEstimator(sts_clip.poses, sts_clip.fps))
    assert any(isinstance(s, WindowSink) for s in session.sinks)
    image = np.full((240, 320, 3), 128, np.uint8)
    keys.append(ord(" "))  # Space: start now, whatever the set-up check says
    for i in range(3):
        update = session.push(TimedFrame(i, i / 30, image))
    assert update.phase == "countdown"
    keys.append(ord("q"))
    i = 3
    while not session.finished and i < 10:
        session.push(TimedFrame(i, i / 30, image))
        i += 1
    summary = session.finish()
    assert summary.status == "stopped" and shown
    assert any(e.kind == "stopped" for e in summary.events)
