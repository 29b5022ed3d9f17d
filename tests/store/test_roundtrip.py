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
    rec.finish()
    sid = store.sessions()[0].id
    assert store.video_path_for(sid) is None  # no opt-in: no video may be kept
    store.update_patient("P001", video_opt_in=True)
    absolute, rel = store.video_path_for(sid)
    assert absolute.name.endswith(".mp4") and str(absolute).endswith(rel)
    rec2 = store.start_session("P001", "squat")
    rec2.attach_video(rel)
    rec2.finish()
    assert store.load_session(store.sessions()[-1].id).video_path == str(absolute)


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
    assert stored.test == result.test and stored.norm_source == result.norm
    assert stored.value == result.score and result.interpretation in stored.interpretation


def test_unscored_test_is_kept(store):
    rec = store.start_session("P001", "reach")
    rec.add_test_result(TestResult("functional_reach", None, "cm", interpretation="heels lifted: not scored"))
    rec.finish()
    assert store.load_session(rec.session_id).tests[0].value is None
