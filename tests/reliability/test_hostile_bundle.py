"""Issue 17: a patient's share bundle is checked whole before anything is written, and imported in
one transaction; a hostile or broken bundle changes nothing in the physio's record.

Each bundle here is a good one from the test factories with one member edited."""
from __future__ import annotations

import hashlib
import json
import time
import tracemalloc
import zipfile
from datetime import date, datetime, timezone

import numpy as np
import pytest

from coach.pose.frame import PoseSeries
from coach.store import DiaryEntry, Store
from coach.store.bundle import export_bundle, import_bundle
from tests.store.factories import PROGRAMME_TOML, make_frames, seed_history

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(200))
CLIP = "c1c1c1c1-0000-4000-8000-000000000001"


@pytest.fixture
def good(tmp_path):
    """A good bundle: six sessions with tests, the programme, a diary day, a clip with video."""
    s = Store.open(f"sqlite:///{tmp_path / 'home' / 'coach.db'}", fallback_dirs=[tmp_path / "home" / "unsaved"])
    s.add_patient("P001", age=72, sex="female", condition="stroke", affected_side="left", video_opt_in=True)
    seed_history(s)
    s.save_diary_entry(DiaryEntry("P001", date(2026, 11, 30), fatigue=6, pain=3, note="froze at the door"))
    _, rel = s.clip_video_target("P001", CLIP, ".mp4")
    (s.media_dir / rel).write_bytes(MP4)
    s.save_clip("P001", note="freezing", duration_s=2.0, track=PoseSeries.from_frames(make_frames(0.0, 60)),
                video_rel=rel, clip_uuid=CLIP)
    path = export_bundle(s, "P001", tmp_path / "good.coachbundle")
    s.close()
    return path


@pytest.fixture
def clinic(tmp_path):
    s = Store.open(f"sqlite:///{tmp_path / 'clinic' / 'coach.db'}", fallback_dirs=[tmp_path / "clinic" / "unsaved"])
    yield s
    s.close()


def members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def write(path, files: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return path


def edited(good, tmp_path, edit_json: dict) -> object:
    """The good bundle with JSON members changed by ``edit_json[name or 'sessions/*'](data)``."""
    files = members(good)
    for name in list(files):
        key = "sessions/*" if name.startswith("sessions/") else name
        if key in edit_json:
            data = json.loads(files[name])
            out = edit_json[key](data)
            files[name] = json.dumps(data if out is None else out).encode()
    return write(tmp_path / "hostile.coachbundle", files)


def last_session(files: dict[str, bytes]) -> str:
    return [n for n in files if n.startswith("sessions/")][-1]


def nothing_written(store: Store) -> bool:
    return store.patients() == [] and store.sessions() == []


def _set(**values):
    def edit(d):
        for k, v in values.items():
            d[k] = v
    return edit


# --- 1. all or nothing --------------------------------------------------------------------------

def test_a_session_without_sets_leaves_nothing_written(good, clinic, tmp_path):
    files = members(good)
    name = last_session(files)
    data = json.loads(files[name])
    del data["sets"]
    files[name] = json.dumps(data).encode()
    with pytest.raises(ValueError, match="sets"):
        import_bundle(clinic, write(tmp_path / "bad.zip", files))
    assert nothing_written(clinic)
    assert clinic.programme("P001") is None and clinic.diary_entries("P001") == [] and clinic.clips("P001") == []


# --- 2. the same code, another person ------------------------------------------------------------

def test_the_same_code_for_another_person_is_refused_naming_the_difference(good, clinic):
    clinic.add_patient("P001", age=45, sex="male", condition="parkinson", affected_side="right")
    with pytest.raises(ValueError) as e:
        import_bundle(clinic, good)
    for word in ("age", "sex", "condition", "45", "72", "parkinson", "stroke"):
        assert word in str(e.value)
    assert clinic.sessions("P001") == []
    report = import_bundle(clinic, good, as_patient="P077")  # the physio maps the file to a new code
    assert report.patient_id == "P077" and report.patient_created and len(report.sessions_added) == 6
    assert {s.patient_id for s in clinic.sessions()} == {"P077"}
    assert len(clinic.diary_entries("P077")) == 1 and len(clinic.clips("P077")) == 1
    assert clinic.patient("P001").age == 45  # the other person is untouched


def test_the_same_person_again_imports(good, clinic):
    clinic.add_patient("P001", age=73, sex="female", condition="stroke")  # a birthday since: same person
    assert len(import_bundle(clinic, good).sessions_added) == 6


# --- 3. values outside the vocabulary and ranges -------------------------------------------------

def _test_value(v):
    def edit(d):
        if d["tests"]:
            d["tests"][0]["value"] = v
    return edit


def _rep_fault(d):
    d["sets"][0]["reps"][0]["faults"] = [{"code": "x", "time_s": float("1e308") * 10, "detail": ""}]


@pytest.mark.parametrize("edit, word", [
    ({"sessions/*": _set(status="hacked-status")}, "hacked-status"),
    ({"sessions/*": _set(exercise="../../etc/passwd")}, "etc/passwd"),
    ({"sessions/*": _test_value(-12345)}, "-12345"),
    ({"sessions/*": _test_value(1e9)}, "1000000000"),
    ({"sessions/*": _set(started_at="yesterday")}, "yesterday"),
    ({"patient.json": _set(age=-3)}, "-3"),
    ({"patient.json": _set(sex="\x1b[31m")}, "sex"),
], ids=["status", "exercise", "negative-test", "huge-test", "date", "age", "sex"])
def test_values_outside_the_vocabulary_or_range_are_refused(good, clinic, tmp_path, edit, word):
    with pytest.raises(ValueError) as e:
        import_bundle(clinic, edited(good, tmp_path, edit))
    assert word in str(e.value)
    assert nothing_written(clinic)


def test_csv_exports_neutralise_formula_cells(tmp_path):
    from coach.reports.export import write_csv_rows

    out = tmp_path / "x.csv"
    write_csv_rows(out, ["a", "b", "c"], [["=1+1", "+SUM(A1)", "plain"], ["-3", "@cmd", "\tx"], [-3, 2.5, None]])
    rows = out.read_text().splitlines()
    assert rows[1] == "'=1+1,'+SUM(A1),plain"
    assert rows[2].startswith("'-3,'@cmd,'\tx") and rows[3] == "-3,2.5,"  # numbers stay numbers
    assert oct(out.stat().st_mode & 0o777) == "0o600"


# --- 4. the programme's body ---------------------------------------------------------------------

@pytest.mark.parametrize("body", ["rm -rf", {"patient": "P001", "exercise": [{"name": "../x", "sets": 2}]}],
                         ids=["string", "unknown-exercise"])
def test_a_programme_that_is_not_a_programme_is_refused(good, clinic, tmp_path, body):
    def edit(rows):
        rows[0]["body"] = body
    with pytest.raises(ValueError, match="programme"):
        import_bundle(clinic, edited(good, tmp_path, {"programmes.json": edit}))
    assert nothing_written(clinic)


# --- 5. the physio's programme stays the physio's ------------------------------------------------

def test_a_bundle_never_changes_the_physios_programme(good, clinic, tmp_path):
    from coach.programme import tomlfile

    import_bundle(clinic, good)  # first file: the clinic had no programme, the patient's copy starts it
    mine = clinic.save_programme(tomlfile.loads(PROGRAMME_TOML.replace("reps = 8", "reps = 6")))

    def forge(rows):
        rows.append({**rows[0], "version": 50, "author": "Dr Physio (forged)", "note": "do 100 squats"})
    report = import_bundle(clinic, edited(good, tmp_path, {"programmes.json": forge}))
    assert report.programmes_added == 0 and "50" in report.describe()
    assert clinic.programme("P001").version == mine.version == 2
    assert clinic.programme("P001").author == mine.author
    assert [p.version for p in clinic.programme_history("P001")] == [1, 2]


# --- 6. versions and fields this coach does not know ---------------------------------------------

def test_a_session_from_a_newer_coach_is_refused(good, clinic, tmp_path):
    with pytest.raises(ValueError, match="newer"):
        import_bundle(clinic, edited(good, tmp_path, {"sessions/*": _set(schema_version=99)}))
    assert nothing_written(clinic)


@pytest.mark.parametrize("member", ["sessions/*", "patient.json", "manifest.json"])
def test_unknown_fields_are_refused_by_name(good, clinic, tmp_path, member):
    with pytest.raises(ValueError, match="backdoor"):
        import_bundle(clinic, edited(good, tmp_path, {member: _set(backdoor=1)}))
    assert nothing_written(clinic)


# --- 7. zip bombs ---------------------------------------------------------------------------------

def _bomb(good, tmp_path, name: str, size: int, prefix: bytes = b"") -> object:
    files = members(good)
    out = tmp_path / "bomb.coachbundle"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in files.items():
            if n != name:
                z.writestr(n, data)
        with z.open(name, "w", force_zip64=True) as f:
            f.write(prefix)
            block = b" " * (1 << 20)
            for _ in range(size // len(block)):
                f.write(block)
    return out


@pytest.mark.parametrize("name, prefix", [("patient.json", b'{"id": "P001", "notes": "'),
                                           (f"clips/{CLIP}.mp4", MP4[:16])], ids=["patient-json", "clip-video"])
def test_a_zip_bomb_is_refused_quickly_in_little_memory(good, clinic, tmp_path, name, prefix):
    bomb = _bomb(good, tmp_path, name, 300 * 1024 ** 2, prefix)
    assert bomb.stat().st_size < 5 * 1024 ** 2
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(ValueError, match="too large"):
            import_bundle(clinic, bomb)
        took = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert took < 5.0 and peak < 32 * 1024 ** 2, (took, peak)
    assert nothing_written(clinic)
    assert not list((clinic.media_dir).rglob("*.mp4")) if clinic.media_dir.exists() else True


def test_too_many_members_are_refused(good, clinic, tmp_path):
    files = members(good)
    files.update({f"poses/x{i}.npz": b"" for i in range(20_001)})
    with pytest.raises(ValueError, match="members"):
        import_bundle(clinic, write(tmp_path / "many.zip", files))


# --- 8. a clip's track against its declared length -----------------------------------------------

def test_a_clip_whose_track_outlasts_its_duration_is_refused(good, clinic, tmp_path):
    from coach.store import poses

    files = members(good)
    long_track = poses.encode_series(PoseSeries.from_frames(make_frames(0.0, 390, fps=0.1)))  # 65 minutes
    files[f"clips/{CLIP}.npz"] = long_track
    meta = json.loads(files[f"clips/{CLIP}.json"])
    meta.update(duration_s=10.0, track_sha256=hashlib.sha256(long_track).hexdigest())
    files[f"clips/{CLIP}.json"] = json.dumps(meta).encode()
    with pytest.raises(ValueError, match="10.0 s"):
        import_bundle(clinic, write(tmp_path / "long.zip", files))
    assert nothing_written(clinic)


def test_the_good_bundle_still_imports_whole(good, clinic):
    report = import_bundle(clinic, good)
    assert (len(report.sessions_added), report.tests_added, report.programmes_added) == (6, 6, 1)
    assert (report.diary_days_added, report.clips_added, report.clip_videos_added) == (1, 1, 1)
    assert np.isfinite(clinic.clip_track(clinic.clips("P001")[0].id).image[0]).all()


# --- 13. every file written is the user's alone, also over an existing file -----------------------

def test_reports_and_calendars_over_an_open_file_become_private(tmp_path):
    import os

    from coach.cli import main

    url = f"sqlite:///{tmp_path / 'db' / 'coach.db'}"
    s = Store.open(url, fallback_dirs=[tmp_path / "db" / "unsaved"])
    s.add_patient("P001", age=72, sex="female")
    seed_history(s)
    s.close()
    targets = {name: tmp_path / name for name in ("r.html", "r.json", "r.pdf", "r.ics", "p.toml")}
    for f in targets.values():
        f.write_text("old")
        os.chmod(f, 0o644)
    assert main(["report", "P001", "--html", str(targets["r.html"]), "--json", str(targets["r.json"]),
                 "--csv", str(tmp_path / "csv"), "--db", url]) == 0
    assert main(["programme", "ics", "P001", "--out", str(targets["r.ics"]), "--db", url]) == 0
    assert main(["programme", "export", "P001", str(targets["p.toml"]), "--db", url]) == 0
    for name in ("r.html", "r.json", "r.ics", "p.toml"):
        assert oct(targets[name].stat().st_mode & 0o777) == "0o600", name
        assert targets[name].read_bytes() != b"old"
    for f in (tmp_path / "csv").iterdir():
        assert oct(f.stat().st_mode & 0o777) == "0o600", f


# --- 15. diary days in range, no terminal escapes ------------------------------------------------

def test_diary_days_out_of_range_are_refused_and_escapes_never_stored_or_printed(tmp_path, capsys):
    from coach.cli import main
    from coach.store import schema as t

    url = f"sqlite:///{tmp_path / 'db' / 'coach.db'}"
    s = Store.open(url, fallback_dirs=[tmp_path / "db" / "unsaved"])
    s.add_patient("P001")
    for day in ("2099-01-01", "1900-01-01"):
        assert main(["diary", "add", "P001", "--day", day, "--fatigue", "3", "--db", url]) == 2
        with pytest.raises(ValueError, match=day):
            s.save_diary_entry(DiaryEntry("P001", date.fromisoformat(day), fatigue=3))
    assert s.diary_entries("P001") == []
    assert main(["diary", "add", "P001", "--day", "2026-11-30", "--note", "ok\x1b[2J\x1b]0;pwned\x07 fine\r",
                 "--db", url]) == 0
    assert s.diary_entries("P001")[0].note == "ok fine"
    with s.engine.begin() as conn:  # what an older coach may have stored
        conn.execute(t.diary_entries.insert(), [
            {"patient_id": "P001", "day": date(2099, 1, 1), "falls": 0, "near_falls": 0, "freezing": 0,
             "note": "\x1b[31mred", "updated_at": datetime.now(timezone.utc)},
            {"patient_id": "P001", "day": date(1900, 1, 1), "falls": 0, "near_falls": 0, "freezing": 0,
             "note": "", "updated_at": datetime.now(timezone.utc)}])
    s.close()
    capsys.readouterr()
    assert main(["diary", "show", "P001", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\r" not in out and len(out.splitlines()) < 12, out


# --- 17. thresholds within their unit's physical range --------------------------------------------

@pytest.mark.parametrize("value", ["1e300", "-1e300", "nan", "inf", "500"])
def test_thresholds_outside_their_physical_range_are_refused_everywhere(tmp_path, capfd, value):
    from coach.cli import main
    from coach.commands.analyze import parse_thresholds
    from coach.programme import threshold_range, tomlfile

    toml = PROGRAMME_TOML.replace("trunk_flexion_limit_deg = 55", f"standing_progress = {value}")
    with pytest.raises(ValueError, match="standing_progress"):  # a programme file, the app, a bundle
        tomlfile.loads(toml)
    with pytest.raises(ValueError, match="standing_progress"):  # coach analyze / coach live --threshold
        threshold_range.check("sit-to-stand", parse_thresholds([f"standing_progress={value}"]))
    url = f"sqlite:///{tmp_path / 'db' / 'coach.db'}"
    s = Store.open(url, fallback_dirs=[tmp_path / "db" / "unsaved"])
    s.add_patient("P001")
    s.save_programme(tomlfile.loads(PROGRAMME_TOML))
    s.close()
    assert main(["programme", "set", "P001", "sit-to-stand", f"thresholds.standing_progress={value}", "--db", url]) != 0
    assert "standing_progress" in capfd.readouterr().err
    assert threshold_range.check("sit-to-stand", {"standing_progress": 0.8}) == {"standing_progress": 0.8}


def test_every_default_threshold_lies_in_its_range():
    from coach.programme import threshold_range
    from exercises.registry import SPECS

    assert [(s.name, d["name"]) for s in SPECS for d in s.params.describe()
            if threshold_range.problem(s.name, d["name"], d["default"])] == []


def test_nan_only_where_a_measurement_may_be_missing(good, clinic, tmp_path):
    def nan_value(d):
        if d["tests"]:
            d["tests"][0]["value"] = float("nan")
    with pytest.raises(ValueError, match="NaN"):
        import_bundle(clinic, edited(good, tmp_path, {"sessions/*": nan_value}))
    assert nothing_written(clinic)

    def nan_metric(d):
        d["sets"][0]["reps"][0]["metrics"]["rom_deg"] = float("nan")
    assert len(import_bundle(clinic, edited(good, tmp_path, {"sessions/*": nan_metric})).sessions_added) == 6


def test_a_stored_programme_that_is_not_a_programme_never_locks_the_patient_out(tmp_path):
    """What an older coach imported (case 4) is skipped with a warning: the last usable version applies."""
    from coach.programme import tomlfile
    from coach.store import schema as t

    s = Store.open(f"sqlite:///{tmp_path / 'db' / 'coach.db'}", fallback_dirs=[tmp_path / "db" / "unsaved"])
    s.add_patient("P001")
    s.save_programme(tomlfile.loads(PROGRAMME_TOML))
    with s.engine.begin() as conn:
        conn.execute(t.programmes.insert().values(patient_id="P001", version=2, created_at=datetime.now(timezone.utc),
                                                  author="bundle", note="", body="rm -rf"))
    assert s.programme("P001").version == 1 and [p.version for p in s.programme_history("P001")] == [1]
    s.close()


def test_a_live_session_whose_sets_were_asked_for_auto_imports(good, clinic, tmp_path):
    """The live coach records the side it was asked for ("auto" by default) with each set; the
    browser's share-and-import round trip failed on it once."""
    def auto(d):
        for s in d["sets"]:
            s["side"] = "auto"
    assert len(import_bundle(clinic, edited(good, tmp_path, {"sessions/*": auto})).sessions_added) == 6


@pytest.mark.parametrize("content", [b"<html><script>alert(1)</script></html>", b"MZ\x90\x00" + b"\0" * 60])
def test_a_session_video_that_is_not_a_video_is_refused(good, clinic, tmp_path, content):
    files = members(good)
    uuid = json.loads(files[last_session(files)])["uuid"]
    files[f"videos/{uuid}.mp4"] = content
    with pytest.raises(ValueError, match="is not a .mp4 file"):
        import_bundle(clinic, write(tmp_path / "fake-video.zip", files))
    assert nothing_written(clinic)
    files[f"videos/{uuid}.mp4"] = MP4  # a real MP4's start: taken (the patient agreed to video)
    assert import_bundle(clinic, write(tmp_path / "video.zip", files)).videos_added == 1
