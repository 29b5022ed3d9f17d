"""Issue 19, end to end on 127.0.0.1: the clinic (its store on PostgreSQL where one is set up, else
SQLite; its HTTP API under uvicorn) and a patient laptop (SQLite) with the background syncer the
patient's app runs. Truth is what was done on the laptop: each session's uuid, the test's score, the
diary's fall, the clip's uuid, the programme the physio saved."""
from __future__ import annotations

import time
from datetime import date, datetime, timezone

import numpy as np
import pytest
from sqlalchemy import func, select

from coach.pose.frame import PoseSeries
from coach.programme.model import ProgrammeExercise, Programme
from coach.store import DiaryEntry
from coach.store import schema as t
from coach.sync import clinic as clinic_side
from coach.sync import client, outbox
from exercises.validated_tests import interpret
from tests.store.factories import make_frames, make_rep


def _record_session(store, patient="P001", reps=3) -> str:
    """A training session through the store's recorder, as the live coach records one."""
    rec = store.start_session(patient, "sit-to-stand", "camera:0", {"model": "lite"}, programme_version=1)
    rec.start_set(reps)
    for i in range(1, reps + 1):
        rec.add_rep(make_rep(i))
    rec.add_poses(make_frames(1.0, n=30))
    rec.end_set()
    rec.finish()
    return rec.uuid


def _clinic_count(clinic, uuid: str) -> int:
    with clinic.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(t.sessions).where(t.sessions.c.uuid == uuid)).scalar()


def _wait(predicate, timeout_s: float, step_s: float = 0.1):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step_s)
    return predicate()


def _programme(reps: int) -> Programme:
    return Programme("P001", (ProgrammeExercise("sit-to-stand", sets=2, reps=reps),), author="physio A")


def test_pair_sync_both_ways_outbox_while_the_clinic_is_away(clinic, api, laptop, monkeypatch):
    monkeypatch.setattr(outbox, "BASE_S", 0.3)  # the backoff, shortened: retries within the test's seconds
    monkeypatch.setattr(outbox, "MAX_S", 1.0)
    clinic.save_programme(_programme(5))
    code = clinic_side.make_pairing_code(clinic, "P001", by="physio A")

    pairing = client.pair(laptop, api.url, code, device_name="kitchen laptop")
    assert pairing.patient_id == "P001" and laptop.patient("P001").age == 72
    assert laptop.programme("P001").exercise("sit-to-stand").reps == 5
    path = client.pairing_path(laptop)
    assert path.stat().st_mode & 0o777 == 0o600 and pairing.token in path.read_text()
    with clinic.engine.connect() as conn:  # only the token's hash at the clinic
        stored = conn.execute(select(clinic_side.s.sync_devices.c.token_sha256)).scalars().all()
    assert len(stored) == 1 and pairing.token not in stored[0]
    with pytest.raises(client.SyncError, match="not valid"):  # the code works once
        client.pair(laptop, api.url, code)

    syncer = client.Syncer(laptop.url, interval_s=0.5)
    try:
        # A session, a test, a diary fall and a clip on the laptop reach the clinic within 10 s.
        started = time.monotonic()
        session = _record_session(laptop)
        score = interpret("chair-stand-30s", 11, 72, "female")
        test_session = laptop.save_test_result("P001", score)
        today = date.today()
        laptop.save_diary_entry(DiaryEntry("P001", today, fatigue=3, pain=2, falls=1, note="fell in the kitchen"))
        track = PoseSeries.from_frames(make_frames(0.0, n=60))
        clip = laptop.save_clip("P001", note="freezing at the door", duration_s=2.0, track=track)
        test_uuid = laptop.load_session(test_session).summary.uuid

        def arrived() -> bool:
            return (_clinic_count(clinic, session) == 1 and _clinic_count(clinic, test_uuid) == 1
                    and any(e.day == today and e.falls == 1 for e in clinic.diary_entries("P001"))
                    and any(c.uuid == clip.uuid for c in clinic.clips("P001")))
        assert _wait(arrived, 10.0), "not all at the clinic within 10 s"
        took = time.monotonic() - started
        assert took < 10.0
        [stored_test] = [x for x in clinic.test_results("P001") if x.session_id == _clinic_id(clinic, test_uuid)]
        assert stored_test.result.value == 11
        assert [r.counted for s in clinic.load_session(_clinic_id(clinic, session)).sets for r in s.reps] == [True] * 3

        # The physio's new programme version is on the laptop's Today after its next sync.
        clinic.save_programme(_programme(8))
        assert _wait(lambda: (laptop.programme("P001").version == 2), 10.0)
        from coach.programme.schedule import due

        [item] = due(laptop.programme("P001"), laptop.sessions("P001"), today)
        assert item.item.reps == 8

        # The clinic goes away: three sessions wait in the outbox, then arrive once each.
        api.stop()
        waiting = [_record_session(laptop, reps=2) for _ in range(3)]
        syncer.poke()

        def tried_and_waiting() -> bool:
            pend = {i.key: i for i in outbox.pending(laptop, "P001") if i.kind == "session"}
            return set(waiting) <= set(pend) and all(pend[u].attempts >= 1 for u in waiting)
        assert _wait(tried_and_waiting, 10.0)
        pend = [i for i in outbox.pending(laptop, "P001") if i.kind == "session"]
        assert sorted(i.key for i in pend) == sorted(waiting)
        assert "could not be reached" in pend[0].last_error
        assert all(_clinic_count(clinic, u) == 0 for u in waiting)

        api.start()  # back: the syncer's own retry delivers them (nobody pokes it)
        assert _wait(lambda: all(_clinic_count(clinic, u) == 1 for u in waiting), 15.0)
        assert _wait(lambda: not outbox.pending(laptop, "P001"), 5.0)
        syncer.poke()
        time.sleep(1.5)
        assert all(_clinic_count(clinic, u) == 1 for u in [session, test_uuid, *waiting])  # each once
    finally:
        syncer.stop()
    assert len(clinic.sessions("P001")) == 5


def _clinic_id(clinic, uuid: str) -> int:
    with clinic.engine.connect() as conn:
        return conn.execute(select(t.sessions.c.id).where(t.sessions.c.uuid == uuid)).scalar_one()


def test_revoked_token_and_another_patients_token_are_refused(clinic, api, laptop):
    pairing = client.pair(laptop, api.url, clinic_side.make_pairing_code(clinic, "P001", by="physio A"))
    first = _record_session(laptop)
    assert client.sync_once(laptop).delivered >= 1 and _clinic_count(clinic, first) == 1

    # a second laptop paired for P002: its token does not carry P001's sessions
    other_folder = laptop.media_dir.parent.parent / "other-laptop"
    other_folder.mkdir()
    from coach.store import Store

    with Store.open(f"sqlite:///{other_folder / 'coach.db'}", fallback_dirs=[other_folder / "unsaved"]) as other:
        theirs = client.pair(other, api.url, clinic_side.make_pairing_code(clinic, "P002", by="physio A"))
    second = _record_session(laptop)
    borrowed = client.Pairing(pairing.clinic_url, "P001", theirs.token, theirs.device_id, "")
    with pytest.raises(client.SyncError, match="paired for patient P002") as e:
        client.push(laptop, borrowed, outbox.pending(laptop, "P001") or _queued(laptop))
    assert e.value.status == 403 and _clinic_count(clinic, second) == 0
    assert clinic.sessions("P002") == []

    # the physio revokes P001's laptop: its next sync is refused, the session stays in its outbox
    [dev] = clinic_side.devices(clinic, "P001")
    clinic_side.revoke(clinic, dev.id, by="physio A")
    result = client.sync_once(laptop, force=True)
    assert result.delivered == 0 and "ended this computer's pairing" in result.error
    assert _clinic_count(clinic, second) == 0
    assert [i.key for i in outbox.pending(laptop, "P001")] == [second]
    with pytest.raises(client.SyncError) as e:
        client.pull_programme(laptop, pairing)
    assert e.value.status == 401


def _queued(laptop):
    outbox.enqueue_new(laptop, "P001")
    return outbox.pending(laptop, "P001")


def test_a_tampered_payload_is_refused_whole(clinic, api, laptop, tmp_path):
    import io
    import json
    import urllib.request
    import zipfile

    from coach.store.bundle import export_bundle
    from coach.sync import tokens

    pairing = client.pair(laptop, api.url, clinic_side.make_pairing_code(clinic, "P001", by="physio A"))
    good, bad = _record_session(laptop), _record_session(laptop)
    laptop.save_diary_entry(DiaryEntry("P001", date.today(), falls=2))
    body = export_bundle(laptop, "P001", tmp_path / "p.zip").read_bytes()

    def post(data: bytes, signature: str) -> tuple[int, str]:
        req = urllib.request.Request(f"{api.url}/api/v1/push", data=data, method="POST",
                                     headers={"Authorization": f"Bearer {pairing.token}",
                                              tokens.SIGNATURE_HEADER: signature})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    # changed on the way (one byte), signature from before: refused before it is read
    flipped = bytearray(body)
    flipped[len(flipped) // 2] ^= 0x01
    status, answer = post(bytes(flipped), tokens.sign(pairing.token, body))
    assert status == 400 and "signature" in answer

    # signed, but one session inside is not what a coach writes (an unknown exercise): nothing of it lands
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(body)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == f"sessions/{bad}.json":
                doc = json.loads(data)
                doc["exercise"] = "juggling"
                data = json.dumps(doc).encode()
            zout.writestr(info.filename, data)
    forged = out.getvalue()
    status, answer = post(forged, tokens.sign(pairing.token, forged))
    assert status == 422 and "refused whole" in answer
    assert _clinic_count(clinic, good) == 0 and _clinic_count(clinic, bad) == 0
    assert clinic.diary_entries("P001") == []
    outcomes = [d["outcome"] for d in clinic_side.deliveries(clinic, "P001")]
    assert outcomes == ["refused"]

    status, answer = post(body, tokens.sign(pairing.token, body))  # the same payload, untouched: taken
    assert status == 200 and _clinic_count(clinic, good) == 1 and _clinic_count(clinic, bad) == 1


def test_pairing_a_laptop_that_knew_the_patient_takes_the_clinics_facts(clinic, api, laptop):
    laptop.add_patient("P001", age=70, sex="female", condition="", video_opt_in=True)  # set up by hand before
    client.pair(laptop, api.url, clinic_side.make_pairing_code(clinic, "P001", by="physio A"))
    mine = laptop.patient("P001")
    assert (mine.age, mine.condition, mine.affected_side, mine.video_opt_in) == (72, "stroke", "left", True)
    session = _record_session(laptop)
    assert client.sync_once(laptop).error == "" and _clinic_count(clinic, session) == 1


def test_the_same_payload_twice_at_once_is_taken_once(clinic, api, laptop):
    from concurrent.futures import ThreadPoolExecutor

    pairing = client.pair(laptop, api.url, clinic_side.make_pairing_code(clinic, "P001", by="physio A"))
    session = _record_session(laptop)
    items = _queued(laptop)
    with ThreadPoolExecutor(2) as pool:  # a retry racing the first try, or two laptops
        answers = list(pool.map(lambda _: client.push(laptop, pairing, items), range(2)))
    assert len(answers) == 2 and _clinic_count(clinic, session) == 1
    assert [d["outcome"] for d in clinic_side.deliveries(clinic, "P001")] == ["added", "added"]


def test_the_end_of_a_session_sends_it_or_says_it_waits(clinic, api, laptop):
    assert client.after_session(laptop.url) is None  # not paired: nothing to say about a clinic
    client.pair(laptop, api.url, clinic_side.make_pairing_code(clinic, "P001", by="physio A"))
    first = _record_session(laptop)
    assert client.after_session(laptop.url).startswith("Sent to your physiotherapist at ")
    assert _clinic_count(clinic, first) == 1
    api.stop()
    second = _record_session(laptop)
    assert "with the next sync" in client.after_session(laptop.url, timeout_s=2.0)
    assert [i.key for i in outbox.pending(laptop, "P001")] == [second]
