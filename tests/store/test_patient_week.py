"""Events added to a stored session, the patient's diary and clips for the physio, on every backend."""
from __future__ import annotations

from datetime import date, datetime, timezone

import numpy as np
import pytest

from coach.pose.frame import PoseSeries
from coach.store import DiaryEntry, NotFound, Store, StoreError, weekly_counts
from coach.store.diary import WeekCounts
from tests.store.factories import make_frames, make_rep


def _session(store, patient="P001") -> int:
    rec = store.start_session(patient, "single-leg-stance", "camera:0", lazy=False)
    rec.start_set()
    rec.add_rep(make_rep(1))
    rec.add_event("camera_lost", 4.0)  # the recorder's own event, kept apart
    rec.finish()
    return rec.session_id


def test_session_events_come_back_in_time_order(store):
    sid = _session(store)
    store.add_session_event(sid, 12.5, "balance_loss", "drop")
    store.add_session_event(sid, 3.25, "balance_loss", "step")
    got = store.session_events(sid)
    assert [(e.t_s, e.kind, e.detail) for e in got] == [(3.25, "balance_loss", "step"), (12.5, "balance_loss", "drop")]
    assert all(e.session_id == sid and e.created_at.tzinfo is not None for e in got)
    # the recorder's events are untouched (its journal replay keys them by sequence number)
    assert [(e.kind, e.time_s) for e in store.load_session(sid).events] == [("camera_lost", 4.0)]


def test_session_event_needs_a_session_and_sane_values(store):
    with pytest.raises(NotFound):
        store.add_session_event(999, 1.0, "balance_loss", "step")
    sid = _session(store)
    for bad in [(-1.0, "balance_loss"), (float("nan"), "balance_loss"), (1.0, ""), (1.0, "x" * 40)]:
        with pytest.raises(ValueError):
            store.add_session_event(sid, *bad)
    assert store.session_events(sid) == []


def test_discarding_a_session_removes_its_events(store):
    sid = _session(store)
    store.add_session_event(sid, 2.0, "balance_loss", "step")
    store.discard_session(sid)
    assert store.session_events(sid) == []


def test_diary_one_entry_per_day_saving_again_replaces(store):
    store.save_diary_entry(DiaryEntry("P001", date(2026, 11, 30), fatigue=4, pain=2, near_falls=1, note=" tired "))
    store.save_diary_entry(DiaryEntry("P001", date(2026, 12, 1), fatigue=6, pain=3, freezing=2))
    store.save_diary_entry(DiaryEntry("P001", date(2026, 11, 30), fatigue=7, pain=None, falls=1, note="fell in hall"))
    got = store.diary_entries("P001")
    assert [(e.day, e.fatigue, e.pain, e.falls, e.near_falls, e.freezing, e.note) for e in got] == [
        (date(2026, 11, 30), 7, None, 1, 0, 0, "fell in hall"), (date(2026, 12, 1), 6, 3, 0, 0, 2, "")]
    assert store.diary_entry("P001", date(2026, 12, 1)).freezing == 2
    assert store.diary_entry("P001", date(2026, 12, 2)) is None
    assert [e.day for e in store.diary_entries("P001", since=date(2026, 12, 1))] == [date(2026, 12, 1)]
    assert store.remove_diary_entry("P001", date(2026, 12, 1)) and len(store.diary_entries("P001")) == 1


def test_diary_refuses_values_off_the_scale_and_unknown_patients(store):
    for bad in [dict(fatigue=11), dict(pain=-1), dict(falls=-1), dict(freezing=100), dict(fatigue=2.5),
                dict(falls=True), dict(note="x" * 2001)]:
        with pytest.raises(ValueError):
            DiaryEntry("P001", date(2026, 12, 1), **bad)
    with pytest.raises(ValueError):
        DiaryEntry("P001", datetime(2026, 12, 1, tzinfo=timezone.utc))
    with pytest.raises(NotFound):
        store.save_diary_entry(DiaryEntry("NOBODY", date(2026, 12, 1)))


def test_weekly_counts_sum_and_average_by_monday_week():
    e = lambda d, **kw: DiaryEntry("P001", date(2026, 11, d) if d <= 30 else date(2026, 12, d - 30), **kw)  # noqa: E731
    entries = [e(23, fatigue=2, pain=4, falls=1),  # Monday 23 Nov
               e(25, fatigue=5, pain=None, near_falls=2, freezing=3),
               e(29, fatigue=None, pain=6, freezing=1),  # Sunday: still that week
               # 30 Nov - 6 Dec: nothing; 7 Dec week:
               e(38, fatigue=7, pain=1, near_falls=1)]  # 8 Dec
    weeks = weekly_counts(entries)
    assert weeks == [WeekCounts(date(2026, 11, 23), 3, 3.5, 5.0, 1, 2, 4),
                     WeekCounts(date(2026, 11, 30), 0, None, None, 0, 0, 0),
                     WeekCounts(date(2026, 12, 7), 1, 7.0, 1.0, 0, 1, 0)]
    assert weeks[0].week_end == date(2026, 11, 29)
    # a report period: weeks cut to it, and its empty weeks listed
    assert [w.week_start for w in weekly_counts(entries, start=date(2026, 11, 30), end=date(2026, 12, 14))] == [
        date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14)]
    assert weekly_counts([]) == []
    assert weekly_counts(entries, start=date(2026, 11, 24), end=date(2026, 11, 24))[0].days_with_entries == 0


def _track(n=90, fps=30.0) -> PoseSeries:
    return PoseSeries.from_frames(make_frames(0.0, n, fps))  # every tenth frame has nobody


def test_clip_with_consent_keeps_video_and_landmarks(store):
    store.update_patient("P001", video_opt_in=True)
    target, rel = store.clip_video_target("P001", "c0ffee00-0000-4000-8000-000000000001", ".mp4")
    target.write_bytes(b"\x00\x00\x00\x18ftypmp42fake")
    clip = store.save_clip("P001", note="freezing at the doorway", duration_s=3.0, track=_track(),
                           video_rel=rel, clip_uuid="c0ffee00-0000-4000-8000-000000000001")
    assert clip.note == "freezing at the doorway" and clip.has_video and clip.video_path == str(target)
    assert clip.n_frames == 90 and clip.pose_coverage == pytest.approx(81 / 90, abs=1e-4)
    assert (target.stat().st_mode & 0o077) == 0
    back = store.clip_track(clip.id)
    original = _track()
    np.testing.assert_allclose(back.image, original.image, rtol=1e-6)  # float32: ~7 digits
    np.testing.assert_array_equal(back.timestamps_s, original.timestamps_s)
    assert [c.id for c in store.clips("P001")] == [clip.id]
    store.discard_clip(clip.id)
    assert store.clips("P001") == [] and not target.exists()


def test_clip_without_consent_keeps_only_the_landmarks(store):
    assert store.clip_video_target("P001", "c0ffee00-0000-4000-8000-000000000002") is None
    # a video written anyway (a page that forgot to ask) is deleted, never kept
    stray = store.media_dir / "videos/P001/clip-c0ffee00-0000-4000-8000-000000000002.mp4"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"video")
    clip = store.save_clip("P001", note="tremor", duration_s=3.0, track=_track(), video_rel=str(stray.relative_to(store.media_dir)))
    assert clip.video_path is None and not stray.exists()
    assert len(store.clip_track(clip.id)) == 90


def test_clip_limits(store):
    with pytest.raises(ValueError, match="30 s"):
        store.save_clip("P001", note="", duration_s=45.0, track=_track())
    with pytest.raises(ValueError):
        store.save_clip("P001", note="x" * 3000, duration_s=5.0, track=_track())
    with pytest.raises(ValueError):
        store.clip_video_target("P001", "u", ".exe") if store.update_patient("P001", video_opt_in=True) else None
    with pytest.raises(NotFound):
        store.clip(12345)
    assert isinstance(NotFound("x"), StoreError)


def test_backup_and_restore_keep_the_diary_clips_and_events(tmp_path):
    """``coach db backup/restore`` copy the whole SQLite file: the new tables come back with it."""
    from coach.store import integrity

    db = tmp_path / "d" / "coach.db"
    with Store.open(f"sqlite:///{db}", fallback_dirs=[tmp_path / "u"], backup_every=None) as s:
        s.add_patient("P001")
        sid = _session(s)
        s.add_session_event(sid, 1.5, "balance_loss", "drop")
        s.save_diary_entry(DiaryEntry("P001", date(2026, 12, 1), fatigue=3, note="ok"))
        s.save_clip("P001", note="doorway", duration_s=3.0, track=_track())
        backup = integrity.make_backup(db)
        s.save_diary_entry(DiaryEntry("P001", date(2026, 12, 2), fatigue=9))  # after the backup: not in it
    integrity.restore(db, backup)
    with Store.open(f"sqlite:///{db}", fallback_dirs=[tmp_path / "u"], backup_every=None) as s:
        assert [e.day for e in s.diary_entries("P001")] == [date(2026, 12, 1)]
        assert [c.note for c in s.clips("P001")] == ["doorway"] and len(s.clip_track(s.clips("P001")[0].id)) == 90
        assert [e.detail for e in s.session_events(sid)] == ["drop"]
