"""The live session recorded through the session store (an optional sink)."""
import numpy as np
import pytest

from coach.live.factory import LiveOptions, build_session
from coach.sources import TimedFrame

from tests.live.conftest import TruthEstimator

store_mod = pytest.importorskip("coach.store")


class FakeRecorder:
    def __init__(self):
        self.calls = []

    def __getattr__(self, name):
        return lambda *a, **k: self.calls.append((name, a, k))


def run_clip(session, clip, lose_between=None):
    image = np.full((240, 320, 3), 128, np.uint8)
    for i, pose in enumerate(clip.poses):
        t = i / clip.fps
        if lose_between and lose_between[0] <= t < lose_between[1]:
            session.source_lost(t)
            continue
        if session.source_is_lost:
            session.source_back(t)
        session.push(TimedFrame(i, t, image))
    return session.finish()


def opts(**kw):
    return LiveOptions(exercise="sit-to-stand", sets=1, reps=10, rest_s=0, window=False, speech="none", **kw)


def test_recorder_sink_gets_sets_reps_poses_and_events(sts_clip):
    rec = FakeRecorder()
    session = build_session(opts(), TruthEstimator(sts_clip.poses, sts_clip.fps), recorder=rec)
    reps = sts_clip.truth.reps
    run_clip(session, sts_clip, lose_between=(reps[0].end_s + 0.2, reps[0].end_s + 0.6))
    names = [c[0] for c in rec.calls if c[0] != "heartbeat"]
    assert names[0] == "start_set" and names[-1] == "finish"
    assert rec.calls[-1][1] == ("stopped",)  # 2 of the 10 planned reps: not "complete"
    assert names.count("add_rep") >= sts_clip.truth.true_reps
    assert names.count("add_poses") >= int(len(sts_clip.poses) / sts_clip.fps) - 1
    events = [c[1][0] for c in rec.calls if c[0] == "add_event"]
    assert "camera_lost" in events and "camera_back" in events


def test_a_broken_store_never_stops_the_exercise(sts_clip):
    class Broken:
        def __getattr__(self, name):
            def fail(*a, **k):
                raise OSError("disk full")
            return fail

    session = build_session(opts(), TruthEstimator(sts_clip.poses, sts_clip.fps), recorder=Broken())
    image = np.full((240, 320, 3), 128, np.uint8)
    for i in range(len(sts_clip.poses)):
        session.push(TimedFrame(i, i / sts_clip.fps, image))
    summary = session.finish()
    assert summary.reps == sts_clip.truth.true_reps  # every rep still counted
    assert any("disk full" in w for w in summary.warnings)  # and the user is told at the end


def test_real_store_round_trip(sts_clip, tmp_path):
    store = store_mod.Store.open(f"sqlite:///{tmp_path / 'coach.db'}", fallback_dirs=[tmp_path / "fallback"])
    try:
        store.add_patient("P001")
        recorder = store.start_session("P001", "sit-to-stand", source="test")
        session = build_session(opts(patient="P001"), TruthEstimator(sts_clip.poses, sts_clip.fps), recorder=recorder)
        summary = run_clip(session, sts_clip)
        record = store.load_session(recorder.session_id)
        assert record.summary.status == "stopped"  # the clip ends after 2 of 10 reps: unfinished
        assert record.summary.reps == summary.reps == sts_clip.truth.true_reps
        assert len(record.sets) == 1 and record.sets[0].target_reps == 10
        poses = store.load_poses(recorder.session_id)
        assert len(poses) >= 0.9 * len(sts_clip.poses)
    finally:
        store.close()


def test_plan_reached_is_complete_and_no_rep_is_no_session(sts_clip, tmp_path):
    store = store_mod.Store.open(f"sqlite:///{tmp_path / 'coach.db'}", fallback_dirs=[tmp_path / "fallback"])
    try:
        store.add_patient("P001")
        true_reps = sts_clip.truth.true_reps
        o = LiveOptions(exercise="sit-to-stand", sets=1, reps=true_reps, rest_s=0, window=False, speech="none")
        recorder = store.start_session("P001", "sit-to-stand", source="test")
        summary = run_clip(build_session(o, TruthEstimator(sts_clip.poses, sts_clip.fps), recorder=recorder), sts_clip)
        assert summary.status == "complete"
        assert store.load_session(recorder.session_id).summary.status == "complete"
        # "I'm ready", then the tab is closed before any rep: nothing in the record.
        idle = store.start_session("P001", "sit-to-stand", source="test")
        session = build_session(o, TruthEstimator(sts_clip.poses[:20], sts_clip.fps), recorder=idle)
        image = np.full((240, 320, 3), 128, np.uint8)
        for i in range(20):
            session.push(TimedFrame(i, i / sts_clip.fps, image))
        session.finish()
        assert idle.session_id is None and len(store.sessions("P001")) == 1
    finally:
        store.close()


def test_storage_lag_is_told_to_the_patient_once(sts_clip):
    """The recorder's health turns bad mid-session: one event and one on-screen cue, then 'caught up'."""
    class Lagging(FakeRecorder):
        bad = False

        @property
        def health(self):
            return store_mod.RecorderHealth(False, "Saving to the database is 7 s behind") if self.bad \
                else store_mod.RecorderHealth()

    rec = Lagging()
    session = build_session(opts(), TruthEstimator(sts_clip.poses, sts_clip.fps), recorder=rec)
    image = np.full((240, 320, 3), 128, np.uint8)
    shown = []
    for i in range(90):
        rec.bad = 30 <= i < 60
        update = session.push(TimedFrame(i, i / sts_clip.fps, image))
        shown.append(update.cue_text)
    kinds = [e.kind for e in session.events]
    assert kinds.count("storage_lag") == 1 and kinds.count("storage_ok") == 1
    assert "Saving is behind" in shown[31]
    lag = next(e for e in session.events if e.kind == "storage_lag")
    assert "7 s behind" in lag.detail


def test_closed_tab_is_stored_as_interrupted(sts_clip, tmp_path):
    store = store_mod.Store.open(f"sqlite:///{tmp_path / 'coach.db'}", fallback_dirs=[tmp_path / "fallback"])
    try:
        store.add_patient("P001")
        recorder = store.start_session("P001", "sit-to-stand", source="test")
        session = build_session(opts(), TruthEstimator(sts_clip.poses, sts_clip.fps), recorder=recorder)
        image = np.full((240, 320, 3), 128, np.uint8)
        for i in range(len(sts_clip.poses)):
            session.push(TimedFrame(i, i / sts_clip.fps, image))
        session.finish("interrupted")  # what the browser app says when the page went away
        assert store.load_session(recorder.session_id).summary.status == "interrupted"
    finally:
        store.close()
