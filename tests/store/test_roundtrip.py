"""What goes in through the recorder comes back out of load_session, on every backend."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from coach.store import NotFound, Store, StoreError, TestResult
from coach.store.schema import SCHEMA_VERSION
from tests.store.factories import make_frames, make_rep


def test_session_round_trip(store):
    rec = store.start_session("P001", "sit-to-stand", "camera:0", {"chair_height_cm": 45, "model": "full"},
                              algorithm_version="sts-1.2", programme_version=3)
    assert rec.start_set(target_reps=3, side="both") == 1
    reps = [make_rep(1, faults=("trunk_flexion",)), make_rep(0, counted=False, faults=("incomplete_stand",)),
            make_rep(2), make_rep(3, faults=("trunk_flexion", "hands_on_thighs"))]
    frames = make_frames(0.0, 60)
    for r in reps:
        rec.add_rep(r)
    rec.add_poses(frames[:30])
    rec.add_poses(frames[30:])
    rec.add_event("stopped_for_pain", 11.5, "knee pain 6/10")
    rec.end_set()
    rec.start_set(target_reps=3)
    rec.add_rep(make_rep(1))
    rec.add_test_result(TestResult("five_times_sts", 14.2, "s", None, 12.6, "Bohannon 2006", "slower than average"))
    rec.finish()

    [summary] = store.sessions("P001")
    assert (summary.status, summary.sets, summary.reps, summary.attempts, summary.faults) == ("complete", 2, 4, 1, 4)
    loaded = store.load_session(summary.id)
    assert loaded.sets[0].reps == tuple(reps)  # Rep values, faults with their times, intact
    assert loaded.sets[0].target_reps == 3 and loaded.sets[0].side == "both"
    assert loaded.sets[1].counted == 1
    assert loaded.events[0].kind == "stopped_for_pain" and loaded.events[0].time_s == 11.5
    assert loaded.tests[0].norm_high == 12.6 and loaded.tests[0].interpretation == "slower than average"
    assert loaded.schema_version == SCHEMA_VERSION and loaded.algorithm_version == "sts-1.2"
    assert loaded.settings == {"chair_height_cm": 45, "model": "full"} and loaded.programme_version == 3
    assert loaded.app_version

    track = store.load_poses(summary.id, set_no=1)
    assert len(track) == 60
    np.testing.assert_allclose(track.timestamps_s, [f.timestamp_s for f in frames])
    np.testing.assert_allclose(track.image[0], frames[0].image, atol=1e-6)  # float32 storage
    assert np.isnan(track.image[9]).all()  # a frame with nobody stays "nobody"
    assert len(store.load_poses(summary.id, set_no=2)) == 0


def test_new_rep_fields_are_kept(store):
    rep = make_rep(1)
    if "skipped_checks" in {f.name for f in dataclasses.fields(rep)}:
        rep = dataclasses.replace(rep, view="side", skipped_checks=("knee_valgus",))
    rec = store.start_session("P001", "squat")
    rec.start_set()
    rec.add_rep(rep)
    rec.finish()
    assert store.load_session(store.sessions()[0].id).reps == [rep]


def test_sessions_filter_and_json(store):
    store.add_patient("P002")
    for pid, ex in (("P001", "squat"), ("P002", "reach"), ("P001", "reach")):
        with store.start_session(pid, ex) as rec:
            rec.start_set(5)
            rec.add_rep(make_rep(1))
    assert [s.exercise for s in store.sessions("P001")] == ["squat", "reach"]
    assert [s.patient_id for s in store.sessions(exercise="reach")] == ["P002", "P001"]
    d = store.sessions("P002")[0].to_dict()
    assert d["status"] == "complete" and d["reps"] == 1 and d["started_at"].endswith("+00:00")


def test_exception_in_live_loop_ends_session_as_stopped(store):
    with pytest.raises(RuntimeError):
        with store.start_session("P001", "heel-raise") as rec:
            rec.start_set(10)
            rec.add_rep(make_rep(1))
            raise RuntimeError("camera unplugged")
    [s] = store.sessions()
    assert s.status == "stopped" and s.reps == 1


def test_patients(store):
    with pytest.raises(StoreError, match="already exists"):
        store.add_patient("P001")
    with pytest.raises(NotFound):
        store.start_session("nobody", "squat")
    p = store.update_patient("P001", video_opt_in=True, notes="uses a stick")
    assert p.video_opt_in and p.notes == "uses a stick" and p.age == 72
    assert [p.id for p in store.patients()] == ["P001"]


def test_video_only_with_opt_in(store):
    rec = store.start_session("P001", "squat")
    assert store.video_path_for(rec) is None  # no opt-in: no video may be kept
    store.update_patient("P001", video_opt_in=True)
    absolute, rel = store.video_path_for(rec)  # known before the session reaches the database
    assert absolute.name.endswith(".mp4") and str(absolute).endswith(rel) and rec.uuid in rel
    rec.attach_video(rel)
    rec.start_set(3)
    rec.add_rep(make_rep(1))
    rec.finish()
    [summary] = store.sessions()
    assert store.load_session(summary.id).video_path == str(absolute)
    assert store.video_path_for(summary.id) == (absolute, rel)


def test_no_session_before_the_first_rep(store):
    """'I'm ready', a set started, landmarks and a camera event, then the tab closes: no session."""
    rec = store.start_session("P001", "sit-to-stand")
    rec.start_set(10)
    rec.add_poses(make_frames(0.0, 30))
    rec.add_event("camera_lost", 2.0)
    rec.finish()
    assert not rec.recorded and rec.session_id is None
    assert store.sessions() == []
    rec2 = store.start_session("P001", "sit-to-stand")
    rec2.start_set(10)
    rec2.add_poses(make_frames(0.0, 30))
    rec2.add_rep(make_rep(0, counted=False))  # an attempt is something the physio should see
    rec2.finish()
    [summary] = store.sessions()
    assert summary.attempts == 1 and len(store.load_poses(summary.id)) == 30  # what came before is kept


def test_stale_recording_session_becomes_interrupted(store):
    """A closed browser tab: the recorder stops writing; mark_stale ends it within the limit."""
    import time
    rec = store.start_session("P001", "squat")
    rec.start_set(5)
    rec.add_rep(make_rep(1))
    assert rec.flush()
    assert store.mark_stale(max_silence_s=60) == []  # writing recently: left alone
    time.sleep(1.1)
    [sid] = store.mark_stale(max_silence_s=1)
    [summary] = store.sessions()
    assert summary.id == sid and summary.status == "interrupted"
    rec.add_rep(make_rep(2))  # it was only a hang: its next write makes it "recording" again
    assert rec.flush()
    assert store.sessions()[0].status == "recording"
    rec.finish()
    assert store.sessions()[0].status == "complete"


def test_exclude_include_and_discard(store, tmp_path):
    ids = []
    for n in range(3):
        with store.start_session("P001", "squat") as rec:
            rec.start_set(5)
            rec.add_rep(make_rep(1))
        ids.append(rec.session_id)
    store.exclude_session(ids[0], by="physio A", reason="patient had flu")
    first = store.sessions()[0]
    assert (first.excluded, first.excluded_by, first.excluded_reason) == (True, "physio A", "patient had flu")
    assert first.to_dict()["excluded_reason"] == "patient had flu"
    with pytest.raises(ValueError, match="who"):
        store.exclude_session(ids[1], by="", reason="x")
    store.include_session(ids[0])
    assert not store.sessions()[0].excluded
    store.discard_session(ids[2])
    assert [s.id for s in store.sessions()] == ids[:2]
    with pytest.raises(NotFound):
        store.load_session(ids[2])
    with pytest.raises(NotFound):
        store.exclude_session(9999, by="a", reason="b")


def test_default_location_is_the_user_data_dir(tmp_path, fallback_dir):
    with Store.open(fallback_dirs=[fallback_dir]) as s:  # COACH_DATA_DIR set by the autouse fixture
        assert s.url == f"sqlite:///{tmp_path / 'data' / 'coach.db'}"
    assert (tmp_path / "data" / "coach.db").is_file()


def test_validated_test_results_are_accepted(store):
    from exercises.validated_tests import five_times_sit_to_stand
    reps = [make_rep(i) for i in range(1, 6)]
    result = five_times_sit_to_stand(reps, age=72)
    rec = store.start_session("P001", "sit-to-stand")
    rec.add_test_result(result)
    rec.finish()
    [stored] = store.load_session(rec.session_id).tests
    assert stored == result  # one TestResult type, every field kept (flags, trust, details)


def test_save_test_result_and_list_them(store):
    from exercises.validated_tests import chair_stand_30s
    reps = [make_rep(i) for i in range(1, 10)]
    result = chair_stand_30s(reps, 0.0, end_s=31.0, age=72, sex="f")
    sid = store.save_test_result("P001", result)
    [stored] = store.test_results("P001")
    assert stored.session_id == sid and stored.result == result and stored.result.value == 9
    summary = store.sessions("P001")[0]
    assert summary.exercise == "sit-to-stand" and summary.status == "complete"
    assert store.load_session(sid).settings == {"mode": "test", "test": "chair-stand-30s"}
    # into an existing session, after what is there
    store.save_test_result("P001", result, session_id=sid)
    assert [t.session_id for t in store.test_results("P001")] == [sid, sid]
    store.add_patient("P002")
    with pytest.raises(ValueError, match="another patient"):
        store.save_test_result("P002", result, session_id=sid)
    assert store.test_results("P002") == []


def test_unscored_test_is_kept(store):
    rec = store.start_session("P001", "reach")
    rec.add_test_result(TestResult("functional_reach", None, "cm", interpretation="heels lifted: not scored"))
    rec.finish()
    assert store.load_session(rec.session_id).tests[0].value is None
