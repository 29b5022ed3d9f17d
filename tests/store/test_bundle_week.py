"""The share bundle carries the diary, the clips for the physio and events added to sessions,
checked on the way in; nothing is added twice and a damaged or altered clip stops the import."""
from __future__ import annotations

import json
import zipfile
from datetime import date

import numpy as np
import pytest

from coach.pose.frame import PoseSeries
from coach.store import DiaryEntry, Store
from coach.store.bundle import export_bundle, import_bundle
from tests.store.factories import make_frames, make_rep

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(200))  # starts like an MP4 file


@pytest.fixture
def home(db_url, fallback_dir):
    s = Store.open(db_url, fallback_dirs=[fallback_dir])
    s.add_patient("P001", age=70, video_opt_in=True)
    yield s
    s.close()


@pytest.fixture
def clinic(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'clinic' / 'coach.db'}", fallback_dirs=[tmp_path / "clinic" / "unsaved"])
    yield s
    s.close()


def _fill(store) -> dict:
    rec = store.start_session("P001", "single-leg-stance", "camera:0", lazy=False)
    rec.start_set()
    rec.add_rep(make_rep(1))
    rec.finish()
    store.add_session_event(rec.session_id, 7.5, "balance_loss", "step")
    store.save_diary_entry(DiaryEntry("P001", date(2026, 11, 30), fatigue=6, pain=3, falls=1, near_falls=2,
                                      freezing=4, note="froze at the kitchen door"))
    store.save_diary_entry(DiaryEntry("P001", date(2026, 12, 1), fatigue=2))
    uuid = "c1c1c1c1-0000-4000-8000-000000000001"
    _, rel = store.clip_video_target("P001", uuid, ".mp4")
    (store.media_dir / rel).write_bytes(MP4)
    track = PoseSeries.from_frames(make_frames(0.0, 60))
    with_video = store.save_clip("P001", note="freezing at the doorway", duration_s=2.0, track=track,
                                 video_rel=rel, clip_uuid=uuid)
    landmarks_only = store.save_clip("P001", note="tremor left hand", duration_s=2.0, track=track)
    return {"session": rec.session_id, "uuid": rec.uuid, "clip": with_video, "clip2": landmarks_only, "track": track}


def test_round_trip_diary_clips_and_session_events(home, clinic, tmp_path):
    made = _fill(home)
    path = export_bundle(home, "P001", tmp_path / "b.zip")  # session videos not asked for: clip video still goes
    manifest = json.loads(zipfile.ZipFile(path).read("manifest.json"))
    assert (manifest["diary_days"], manifest["clips"], manifest["clip_videos"]) == (2, 2, 1)
    report = import_bundle(clinic, path)
    assert (report.diary_days_added, report.clips_added, report.clip_videos_added, report.events_added) == (2, 2, 1, 1)
    assert "2 diary day(s), 2 clip(s) for the physio (1 with video)" in report.describe()
    assert [e.to_dict() | {"updated_at": None} for e in clinic.diary_entries("P001")] == \
        [e.to_dict() | {"updated_at": None} for e in home.diary_entries("P001")]
    [sid] = [s.id for s in clinic.sessions("P001") if s.uuid == made["uuid"]]
    assert [(e.t_s, e.kind, e.detail) for e in clinic.session_events(sid)] == [(7.5, "balance_loss", "step")]
    by_note = {c.note: c for c in clinic.clips("P001")}
    video_clip = by_note["freezing at the doorway"]
    assert video_clip.uuid == made["clip"].uuid and open(video_clip.video_path, "rb").read() == MP4
    assert by_note["tremor left hand"].video_path is None
    np.testing.assert_allclose(clinic.clip_track(video_clip.id).image, made["track"].image, rtol=1e-6)
    again = import_bundle(clinic, path)  # the same file twice: nothing new
    assert (again.diary_days_added, again.clips_added, again.events_added) == (0, 0, 0)
    assert len(clinic.clips("P001")) == 2 and len(clinic.session_events(sid)) == 1


def test_an_edited_diary_day_replaces_the_older_copy(home, clinic, tmp_path):
    _fill(home)
    import_bundle(clinic, export_bundle(home, "P001", tmp_path / "1.zip"))
    home.save_diary_entry(DiaryEntry("P001", date(2026, 12, 1), fatigue=8, note="bad night"))
    report = import_bundle(clinic, export_bundle(home, "P001", tmp_path / "2.zip"))
    assert report.diary_days_added == 1
    assert (clinic.diary_entry("P001", date(2026, 12, 1)).fatigue, clinic.diary_entry("P001", date(2026, 12, 1)).note) \
        == (8, "bad night")



def test_a_diary_day_keeps_its_history_at_home_and_at_the_clinic(home, clinic, tmp_path):
    """A fall written one day and taken back the next stays on record: each replaced version of the day
    is kept (what it said and when it was saved), on the laptop and at the clinic that imports it."""
    day = date(2026, 12, 2)
    home.save_diary_entry(DiaryEntry("P001", day, pain=2, falls=1, note="fell in the hall"))
    import_bundle(clinic, export_bundle(home, "P001", tmp_path / "1.zip"))
    home.save_diary_entry(DiaryEntry("P001", day, pain=2, falls=0, note="it was a near-fall really", near_falls=1))
    import_bundle(clinic, export_bundle(home, "P001", tmp_path / "2.zip"))
    for store in (home, clinic):
        now = store.diary_entry("P001", day)
        assert (now.falls, now.near_falls, now.note) == (0, 1, "it was a near-fall really")
        (before,) = store.diary_history("P001", day)
        assert (before.falls, before.note, before.pain) == (1, "fell in the hall", 2)
        assert before.updated_at is not None and before.updated_at < now.updated_at
    assert home.remove_diary_entry("P001", day)  # removing a day keeps what it said too
    assert home.diary_entry("P001", day) is None
    assert [e.note for e in home.diary_history("P001")] == ["fell in the hall", "it was a near-fall really"]


def test_clip_video_stays_home_without_consent(home, clinic, tmp_path):
    _fill(home)
    home.update_patient("P001", video_opt_in=False)
    path = export_bundle(home, "P001", tmp_path / "b.zip", include_video=True)
    assert not [n for n in zipfile.ZipFile(path).namelist() if n.startswith("clips/") and n.endswith(".mp4")]
    report = import_bundle(clinic, path)
    assert report.clips_added == 2 and report.clip_videos_added == 0
    assert all(c.video_path is None for c in clinic.clips("P001"))


def _rewrite(src, dst, change):
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w") as b:
        for info in a.infolist():
            data = change(info.filename, a.read(info.filename))
            if data is not None:
                b.writestr(info.filename, data)
    return dst


def test_altered_or_damaged_clips_stop_the_import_before_anything_is_added(home, clinic, tmp_path):
    made = _fill(home)
    path = export_bundle(home, "P001", tmp_path / "b.zip")
    uuid = made["clip"].uuid
    cases = {
        "video swapped": lambda n, d: MP4[:-1] + b"!" if n == f"clips/{uuid}.mp4" else d,
        "track altered": lambda n, d: d[:-3] + b"xyz" if n == f"clips/{uuid}.npz" else d,
        "video missing": lambda n, d: None if n == f"clips/{uuid}.mp4" else d,
        "another patient": lambda n, d: d.replace(b'"patient": "P001"', b'"patient": "P002"')
        if n == f"clips/{uuid}.json" else d,
        "diary of someone else": lambda n, d: d.replace(b'"P001"', b'"P002"') if n == "diary.json" else d,
        "too long": lambda n, d: d.replace(b'"duration_s": 2.0', b'"duration_s": 300.0')
        if n == f"clips/{uuid}.json" else d,
    }
    for name, change in cases.items():
        bad = _rewrite(path, tmp_path / f"{name}.zip", change)
        with pytest.raises(ValueError):
            import_bundle(clinic, bad)
        assert clinic.patients() == [] and clinic.sessions() == [], name  # not even the patient
    damaged = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("diary.json")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damaged[start + 5] ^= 0xFF  # diary.json is deflated: one flipped byte of its compressed data
    (tmp_path / "damaged.zip").write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match="damaged|unreadable"):
        import_bundle(clinic, tmp_path / "damaged.zip")
