"""The physio's review reads what it shows without decoding the landmark track or the reps of every
test session (bench/caseload.py): where a track starts, a session's settings."""
from __future__ import annotations

from tests.store.factories import make_frames, make_rep


def test_track_start_is_the_first_kept_frame_without_decoding(store):
    rec = store.start_session("P001", "sit-to-stand")
    rec.start_set(2)  # set 1: no landmarks kept
    rec.add_rep(make_rep(1))
    rec.end_set()
    rec.start_set(2)  # set 2: two chunks, the first beginning at 4.25 s
    rec.add_poses(make_frames(4.25, 30))
    rec.add_poses(make_frames(5.25, 30))
    rec.finish()
    bare = store.start_session("P001", "sit-to-stand")
    bare.start_set(1)
    bare.add_rep(make_rep(1))
    bare.finish()
    assert store.track_start(rec.session_id) == 4.25
    assert store.track_start(rec.session_id) == float(store.load_poses(rec.session_id).timestamps_s[0])
    assert store.track_start(bare.session_id) is None and len(store.load_poses(bare.session_id)) == 0


def test_session_settings_of_many_sessions(store):
    made = {}
    for settings in ({"mode": "test", "test": "chair-stand-30s"}, {"mode": "live", "side": "left"}, {}):
        rec = store.start_session("P001", "sit-to-stand", settings=settings)
        rec.start_set(1)
        rec.add_rep(make_rep(1))
        rec.finish()
        made[rec.session_id] = settings
    assert store.session_settings(list(made)) == made
    assert store.session_settings([]) == {}


def test_the_newest_sessions_alone(store):
    from datetime import datetime, timedelta, timezone

    start = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
    for day, exercise in enumerate(("squat", "sit-to-stand", "squat", "squat", "sit-to-stand")):
        rec = store.start_session("P001", exercise, started_at=start + timedelta(days=day))
        rec.start_set(2)
        for i in range(1, day + 2):  # day + 1 reps: each session's count is its own
            rec.add_rep(make_rep(i, faults=("trunk_flexion",) if i == 1 else ()))
        rec.finish()
    every = store.sessions("P001")
    assert store.sessions("P001", last=2) == every[-2:]
    assert [s.reps for s in store.sessions("P001", last=2)] == [4, 5] and store.sessions("P001", last=2)[0].faults == 1
    assert store.sessions("P001", exercise="squat", last=2) == [s for s in every if s.exercise == "squat"][-2:]
    assert store.sessions("P001", since=start + timedelta(days=3), last=9) == every[3:]
    assert store.sessions(last=1) == every[-1:]
