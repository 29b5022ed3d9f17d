"""Share bundle (issue 10 item 3): one file from the patient's coach to the physio's, ids and uuids
kept, never a duplicate, video only with consent."""
from __future__ import annotations

import os
import zipfile

import pytest

from coach.cli import main
from coach.store import Store
from coach.store.bundle import export_bundle, import_bundle
from tests.store.factories import make_frames, make_rep, seed_history

MP4_START = b"\x00\x00\x00\x18ftypmp42" + bytes(32)  # the start of a real MP4 (import checks it)


@pytest.fixture
def home(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'home' / 'coach.db'}", fallback_dirs=[tmp_path / 'home' / 'unsaved'])
    s.add_patient("P001", age=72, sex="female", condition="stroke", affected_side="left")
    ids = seed_history(s)
    yield s, [i for i in ids if i is not None]
    s.close()


@pytest.fixture
def clinic(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'clinic' / 'coach.db'}", fallback_dirs=[tmp_path / 'clinic' / 'unsaved'])
    yield s
    s.close()


def test_export_import_round_trip_never_duplicates(home, clinic, tmp_path):
    store, ids = home
    store.exclude_session(ids[0], by="physio A", reason="wrong chair")
    path = export_bundle(store, "P001", tmp_path / "P001.coachbundle")
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    report = import_bundle(clinic, path)
    assert report.patient_created and report.programmes_added == 1
    assert len(report.sessions_added) == len(store.sessions("P001")) and report.tests_added == 6
    for src in store.sessions("P001"):
        [dst] = [s for s in clinic.sessions("P001") if s.uuid == src.uuid]
        a, b = store.load_session(src.id), clinic.load_session(dst.id)
        assert (dst.status, dst.reps, dst.attempts, dst.faults, dst.excluded, dst.excluded_reason) == \
            (src.status, src.reps, src.attempts, src.faults, src.excluded, src.excluded_reason)
        assert b.reps == a.reps and b.events == a.events and b.tests == a.tests and b.settings == a.settings
        assert report.session_ids[src.id] == dst.id
    again = import_bundle(clinic, path)  # the same bundle twice: nothing new
    assert again.sessions_added == [] and len(again.sessions_skipped) == len(report.sessions_added)
    assert len(clinic.sessions("P001")) == len(store.sessions("P001"))
    assert clinic.programme("P001").version == 1


def test_landmarks_travel_and_video_only_with_consent(home, clinic, tmp_path):
    store, _ = home
    rec = store.start_session("P001", "squat")
    rec.start_set(3)
    rec.add_rep(make_rep(1))
    rec.add_poses(make_frames(0.0, 30))
    video, rel = store.video_path_for(rec) if store.patient("P001").video_opt_in else (None, None)
    assert video is None  # no consent yet
    rec.finish()
    sid = rec.session_id
    no_consent = export_bundle(store, "P001", tmp_path / "a.zip", include_video=True)
    assert not [n for n in zipfile.ZipFile(no_consent).namelist() if n.startswith("videos/")]
    store.update_patient("P001", video_opt_in=True)
    path, rel = store.video_path_for(sid)
    path.parent.mkdir(parents=True)
    path.write_bytes(MP4_START)
    with store.engine.begin() as conn:
        from sqlalchemy import update

        from coach.store import schema as t
        conn.execute(update(t.sessions).where(t.sessions.c.id == sid).values(video_path=rel))
    without = export_bundle(store, "P001", tmp_path / "b.zip")  # consent, but not asked for
    assert not [n for n in zipfile.ZipFile(without).namelist() if n.startswith("videos/")]
    bundle = export_bundle(store, "P001", tmp_path / "c.zip", include_video=True)
    report = import_bundle(clinic, bundle)
    assert report.videos_added == 1
    new_id = report.session_ids[sid]
    assert len(clinic.load_poses(new_id)) == 30
    copied = clinic.load_session(new_id).video_path
    assert open(copied, "rb").read() == MP4_START and oct(os.stat(copied).st_mode & 0o777) == "0o600"


def test_cli_share_and_bad_bundles(home, tmp_path, capsys):
    store, _ = home
    out = tmp_path / "share.coachbundle"
    assert main(["share", "export", "P001", str(out), "--db", store.url]) == 0
    clinic_url = f"sqlite:///{tmp_path / 'clinic2' / 'coach.db'}"
    assert main(["share", "import", str(out), "--db", clinic_url]) == 0
    assert main(["share", "import", str(out), "--db", clinic_url]) == 0
    printed = capsys.readouterr().out
    assert "session(s) added" in printed and "0 session(s) added" in printed.splitlines()[-1]
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    assert main(["share", "import", str(junk), "--db", clinic_url]) == 2
    assert "is not a share bundle" in capsys.readouterr().err
    assert main(["share", "export", "NOPE", str(tmp_path / "x.zip"), "--db", store.url]) == 2
    assert not (tmp_path / "x.zip").exists()
