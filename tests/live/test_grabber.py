import time

import numpy as np

from coach.live.grabber import CapturedFrame, LatestFrameGrabber, LatestFrameSlot, RealtimeFileSource
from coach.sources import TimedFrame

IMG = np.zeros((4, 4, 3), np.uint8)


def frame(i, t=None):
    return CapturedFrame(TimedFrame(i, i / 30 if t is None else t, IMG), time.monotonic())


def test_slot_keeps_only_the_newest_and_counts_the_rest_as_dropped():
    slot = LatestFrameSlot()
    for i in range(5):
        slot.put(frame(i))
    assert slot.take(0.01).frame.index == 4
    assert slot.take(0.01) is None
    assert slot.puts == 5 and slot.dropped == 4


def test_take_returns_at_once_when_closed():
    slot = LatestFrameSlot()
    slot.close()
    start = time.perf_counter()
    assert slot.take(5.0) is None
    assert time.perf_counter() - start < 0.5


class ListSource:
    def __init__(self, n):
        self.frames = [TimedFrame(i, i / 30, IMG) for i in range(n)]

    def read(self):
        return self.frames.pop(0) if self.frames else None


def test_source_without_reopen_ends_the_stream():
    grabber = LatestFrameGrabber(ListSource(3)).start()
    got = []
    while (item := grabber.take(1.0)) is not None:
        got.append(item.frame.index)
    grabber.stop()
    assert grabber.ended and not grabber.lost
    assert grabber.frames_seen == 3 and len(got) + grabber.frames_dropped == 3


class Unplugged:
    """Delivers 3 frames, then nothing until re-opened twice."""

    def __init__(self):
        self.i, self.reopens = 0, 0

    def read(self):
        if self.i >= 3 and self.reopens < 2:
            return None
        self.i += 1
        time.sleep(0.01)
        return TimedFrame(self.i, self.i / 30, IMG)

    def reopen(self):
        self.reopens += 1
        return True


def test_lost_source_is_reopened_and_comes_back():
    grabber = LatestFrameGrabber(Unplugged(), retry_s=0.05).start()
    saw_lost = False
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline:
        saw_lost |= grabber.lost
        item = grabber.take(0.05)
        if item is not None and item.frame.index > 3:
            break
    grabber.stop()
    assert saw_lost and item is not None and item.frame.index > 3 and not grabber.lost


def test_lost_source_gives_up_after_a_while():
    class Dead:
        def read(self):
            return None

        def reopen(self):
            return False

    grabber = LatestFrameGrabber(Dead(), retry_s=0.02, give_up_s=0.1).start()
    assert grabber.take(2.0) is None
    grabber.stop()
    assert grabber.ended and grabber.lost


def test_file_plays_in_real_time(sts_video):
    source = RealtimeFileSource(sts_video, speed=4.0)
    start = time.monotonic()
    n = 0
    while source.read() is not None:
        n += 1
    elapsed = time.monotonic() - start
    source.close()
    expected = (n - 1) / source.fps / 4.0
    assert source.ended and abs(elapsed - expected) < 0.5
