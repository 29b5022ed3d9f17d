"""Every page renders and its widgets work, without a browser (Streamlit's AppTest)."""
from __future__ import annotations

import pytest

from tests.app.conftest import APP_FILE, no_exception, run_page


def test_app_opens_on_todays_programme_when_local(app_env):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(APP_FILE, default_timeout=30).run()
    no_exception(at)
    assert any("Today's exercises" in m.value for m in at.markdown)
    assert not at.text_input  # no login on localhost


def _nav_titles(_at) -> set[str]:
    """The page titles this server's role gives st.navigation (AppTest has no sidebar links)."""
    from coach.app import main
    from coach.app.settings import AppSettings

    return {title for _, title, _, _ in main.page_table(AppSettings.from_env())}


def test_patient_mode_shows_only_patient_pages_and_no_codes(seeded_store, monkeypatch):
    """A shared home laptop: the patient's pages only, and no list of patient codes anywhere."""
    from streamlit.testing.v1 import AppTest

    assert _nav_titles(None) == {"Today's exercises", "Take a test", "My diary", "Record a clip",
                                 "Check a video", "Share with my physio", "For the person helping"}
    at = AppTest.from_file(APP_FILE, default_timeout=30).run()  # two patients in the store, none chosen
    no_exception(at)
    assert not at.selectbox or all("P00" not in str(o) for sb in at.selectbox for o in sb.options)
    text = " ".join(m.value for m in at.markdown) + " ".join(i.value for i in at.info)
    assert "P001" not in text and "P002" not in text and "not set up for you" in text
    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    at = AppTest.from_file(APP_FILE, default_timeout=30).run()
    no_exception(at)
    assert any("Sit to stand" in m.value for m in at.markdown)  # P001's programme, chosen by the computer


def test_physio_mode_needs_the_password_and_shows_only_physio_pages(seeded_store, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("COACH_APP_ROLE", "physio")
    at = AppTest.from_file(APP_FILE, default_timeout=30).run()
    assert any("need a password" in e.value for e in at.error) and not at.dataframe
    monkeypatch.setenv("COACH_APP_PASSWORD", "s3cret")
    assert _nav_titles(None) == {"Patients", "Session review", "Progress and reports", "Programme"}
    at = AppTest.from_file(APP_FILE, default_timeout=30).run()
    assert at.text_input and not at.dataframe  # the login form, nothing else
    at.text_input[0].input("s3cret")
    at.get("form_submit_button")[0].click().run()  # type: ignore[index]
    no_exception(at)
    assert list(at.dataframe[0].value["Patient"]) == ["P001", "P002"]


def test_today_lists_the_programme_and_one_press_starts_the_coach(seeded_store, monkeypatch):
    from coach.app.pages import live

    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("today")
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Sit to stand" in text and "Heel raise" in text
    at.button(key="start_sit-to-stand").click().run()
    no_exception(at)
    assert at.session_state["live_plan"].exercise == "sit-to-stand"
    assert "live_coach" in at.session_state  # one press: the coach (and so the camera) is on
    assert any("Starting the camera" in m.value for m in at.markdown)
    at.button(key="live_stop").click().run()
    no_exception(at)
    assert any("Nothing was counted" in m.value for m in at.markdown)  # no praise for 0 reps
    assert not any("Well done" in m.value for m in at.markdown)
    at.button(key="live_done").click().run()
    assert "live_plan" not in at.session_state


def test_today_without_a_programme_offers_practice(app_env, monkeypatch):
    from coach.app.pages import live

    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("today")
    no_exception(at)
    assert any("not set up for you" in i.value and "practise" in i.value for i in at.info)
    at.selectbox(key="practice_exercise").select("squat")
    at.button(key="practice_start").click().run()
    assert at.session_state["live_plan"].exercise == "squat"
    at.button(key="live_stop").click().run()  # ends the practice coach (frees its pose model)
    no_exception(at)
    assert at.session_state["live_coach"].finished


def test_live_page_shows_counter_and_buttons_reach_the_session(seeded_store, monkeypatch):
    """The coaching view with the camera component replaced (AppTest cannot host WebRTC)."""
    from coach.app.pages import live

    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("today")
    at.button(key="start_sit-to-stand").click().run()
    no_exception(at)
    coach = at.session_state["live_coach"]
    assert any("coach-rep-counter" in m.value for m in at.markdown)
    at.button(key="live_go").click().run()
    assert list(coach.session._actions) == ["go"]
    at.button(key="live_stop").click().run()
    no_exception(at)
    assert coach.finished
    assert any("You did 0 repetitions" in m.value for m in at.markdown)
    at.button(key="live_done").click().run()
    assert "live_coach" not in at.session_state


def test_upload_page_renders_with_limits(app_env, monkeypatch):
    monkeypatch.setenv("COACH_APP_MAX_UPLOAD_MB", "5")
    at = run_page("upload")
    no_exception(at)
    assert "up to 5 MB" in at.file_uploader[0].label  # type: ignore[attr-defined]


def test_patients_page_lists_and_adds(seeded_store):
    at = run_page("patients")
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["Patient"]) == ["P001", "P002"]
    at.text_input[0].input("P003")
    at.number_input[0].set_value(66)
    at.get("form_submit_button")[0].click().run()  # type: ignore[index]
    no_exception(at)
    assert any("Added patient P003" in s.value for s in at.success)
    at.text_input[0].input("../../etc")
    at.get("form_submit_button")[0].click().run()  # type: ignore[index]
    assert any("letters, digits" in e.value for e in at.error)


def test_review_jumps_to_a_fault_and_replays_the_skeleton(seeded_store):
    sid = seeded_store["replay_session"]
    at = run_page("review", {"physio_patient_id": "P001", "review_session_id": sid}, timeout=60)
    no_exception(at)
    assert at.selectbox(key="review_pick").value == sid
    assert any("replay of the tracked skeleton" in c.value for c in at.caption)
    assert any("coach-video" in h.proto.body for h in at.get("html"))  # inline: no /media URL
    fault = [b for b in at.button if b.key and b.key.startswith("fault_")]
    assert len(fault) == 1 and "Excessive forward trunk lean" in fault[0].label
    fault[0].click().run()
    no_exception(at)
    # the fault of rep 2 at 7.0 s on the session clock; the replay starts at 2.0 s: video time 5.0 s,
    # and the jump starts 1.5 s before it
    assert at.session_state["review_time_s"] == pytest.approx(5.0 - 1.5)
    assert any("Playing from 3.5 s, 1.5 s before the fault at 5.0 s" in c.value for c in at.caption)
    assert at.dataframe[0].value["Rep"].tolist() == ["1", "2", "3"]
    assert (at.dataframe[0].value["Start (s)"] >= 0).all()  # video time: nothing before the video starts


def test_review_of_a_session_with_tests_and_events(seeded_store):
    at = run_page("review", {"physio_patient_id": "P001"})
    no_exception(at)
    # the session stopped for pain lists its event and its chair-stand score
    at.selectbox(key="review_pick").set_value(next(s for s in _session_ids(at) if _status(s) == "stopped")).run()
    no_exception(at)
    text = " ".join(m.value for m in at.markdown)
    assert "Stopped for pain" in text and "30-second chair stand" in text
    assert "chair_stand_30s" not in text and "None" not in text


def _session_ids(at):
    from coach.store import Store

    with Store.open() as store:
        return [s.id for s in store.sessions("P001")]


def _status(sid):
    from coach.store import Store

    with Store.open() as store:
        return store.load_session(sid).summary.status


def test_progress_page_trends_tests_and_exports(seeded_store):
    at = run_page("progress", {"physio_patient_id": "P001"}, timeout=60)
    no_exception(at)
    assert len(at.get("vega_lite_chart")) >= 4  # trends and the test score with its norm band
    assert "30-second chair stand" in at.dataframe[0].value["Test"].tolist()
    assert {b.key for b in at.get("download_button")} == {"download_csv", "download_json"}
    at.button(key="make_pdf").click().run()
    no_exception(at)
    assert "download_pdf" in {b.key for b in at.get("download_button")}


def test_programme_editor_table_keeps_thresholds_names_dropped_rows(seeded_store):
    at = run_page("programme", {"physio_patient_id": "P001"})
    no_exception(at)
    assert any("Version 1" in c.value for c in at.caption)
    from coach.app.pages import programme as page
    from coach.store import Store

    with Store.open() as store:
        current = store.programme("P001")
    df = page.table(current)
    df.loc[0, "reps"] = int(df.loc[0, "reps"]) + 2
    df.loc[len(df)] = [None] * len(df.columns)  # a row added but never filled in
    assert page.dropped_rows(df) == [f"row {len(df)}"]
    edited = page.programme_from_table(df, "P001", "physio B", "more reps", current)
    assert not page.same_exercises(edited, current)
    assert page.same_exercises(page.programme_from_table(page.table(current), "P001", "x", "", current), current)
    assert edited.exercise("sit-to-stand").thresholds == current.exercise("sit-to-stand").thresholds  # kept
    assert page.DEFAULTS["sets"] and page.DEFAULTS["reps"]  # a new row shows the defaults it gets


def test_programme_accepts_a_suggestion(seeded_store):
    from coach.programme.model import from_dict
    from coach.store import Store
    from tests.store.factories import make_rep

    with Store.open() as store:  # three good sessions at the prescribed 1 x 3: time to progress
        store.save_programme(from_dict({"patient": "P002", "exercise": [{"name": "sit-to-stand", "sets": 1, "reps": 3}]}))
        for _ in range(3):
            rec = store.start_session("P002", "sit-to-stand")
            rec.start_set(3)
            for i in (1, 2, 3):
                rec.add_rep(make_rep(i))
            rec.finish()
    at = run_page("programme", {"physio_patient_id": "P002"})
    no_exception(at)
    accept = [b for b in at.button if b.key and b.key.startswith("accept_")]
    assert len(accept) == 1
    key = accept[0].key
    accept[0].click().run()
    no_exception(at)
    with Store.open() as store:
        assert store.programme("P002").version == 1  # asked, not saved yet
    at.button(key=f"{key}_yes").click().run()
    assert any("name or initials" in e.value for e in at.error)  # who accepts it is recorded
    at.text_input(key=f"{key}_who").input("physio K")
    at.button(key=f"{key}_yes").click().run()
    no_exception(at)
    with Store.open() as store:
        latest = store.programme("P002")
    assert latest.version == 2 and latest.exercise("sit-to-stand").reps == 5 and latest.author == "physio K"


def test_programme_saves_no_version_when_nothing_changed(seeded_store):
    at = run_page("programme", {"physio_patient_id": "P001"})
    at.text_input(key="programme_author").input("physio B")
    at.button(key="programme_save").click().run()
    no_exception(at)
    assert any("Nothing changed" in i.value for i in at.info)
    from coach.store import Store

    with Store.open() as store:
        assert store.programme("P001").version == 1


def test_media_starts_the_video_at_the_fault(app_env):
    from coach.app.media import video_html

    page = video_html(b"\x00\x01", start_s=3.5)
    assert "#t=3.5" in page and "autoplay" in page and "data:video/mp4;base64," in page
    assert "autoplay" not in video_html(b"\x00\x01") and "#t=" not in video_html(b"\x00\x01")


def test_an_upload_survives_the_page_going_away(app_env, tmp_path):
    """The analysis runs in the background: a new browser session (a reload) finds its result."""
    from tests.app.conftest import wait_for_job
    from tests.conftest import write_noise_video

    video = write_noise_video(tmp_path / "room.mp4", frames=8, size=(160, 120)).read_bytes()
    first = run_page("upload", timeout=60)
    first.file_uploader[0].upload("room.mp4", video, "video/mp4").run()  # type: ignore[attr-defined]
    no_exception(first)
    del first  # the tab is gone
    job = wait_for_job()
    assert job.state == "done"
    again = run_page("upload", timeout=60)  # a fresh session: what a reload gives
    no_exception(again)
    assert any("upload-reps" in m.value for m in again.markdown)  # the result, shown to the new page
    assert any("nobody was found" in w.value for w in again.warning)


def test_patient_removes_a_session_made_by_mistake(seeded_store, monkeypatch):
    """After a live session: "Remove this session" takes it out of the record."""
    from coach.app.pages import live
    from coach.store import Store

    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    with Store.open() as store:
        sid = store.sessions("P001")[-1].id
        n = len(store.sessions("P001"))
    at = run_page("today")
    at.button(key="start_sit-to-stand").click().run()
    coach = at.session_state["live_coach"]
    monkeypatch.setattr(live, "recorded_session_id", lambda c: sid)  # as if this coach had recorded it
    at.button(key="live_stop").click().run()
    no_exception(at)
    at.button(key="live_discard").click().run()
    no_exception(at)
    assert coach.finished and any("removed from your record" in i.value for i in at.info)
    with Store.open() as store:
        assert len(store.sessions("P001")) == n - 1 and sid not in {s.id for s in store.sessions("P001")}


def test_physio_leaves_a_session_out_with_who_and_why(seeded_store):
    from coach.store import Store

    sid = seeded_store["replay_session"]
    at = run_page("review", {"physio_patient_id": "P001", "review_session_id": sid}, timeout=60)
    at.text_input(key=f"exclude_by_{sid}").input("physio K")
    at.get("form_submit_button")[0].click().run()  # type: ignore[index]
    assert any("name and the reason" in e.value for e in at.error)  # both are required
    at.text_input(key=f"exclude_why_{sid}").input("a visitor was counted")
    at.get("form_submit_button")[0].click().run()  # type: ignore[index]
    no_exception(at)
    assert any("physio K" in w.value and "a visitor was counted" in w.value for w in at.warning)
    with Store.open() as store:
        sm = next(s for s in store.sessions("P001") if s.id == sid)
    assert sm.excluded and sm.excluded_by == "physio K" and sm.excluded_reason == "a visitor was counted"
    progress = run_page("progress", {"physio_patient_id": "P001"}, timeout=60)
    no_exception(progress)
    assert any("1 session left out" in c.value for c in progress.caption)
    at.button(key=f"include_{sid}").click().run()
    with Store.open() as store:
        assert not next(s for s in store.sessions("P001") if s.id == sid).excluded


def test_replay_starts_early_enough_for_a_rep_begun_before_the_landmarks():
    from coach.app.replay import REPLAY_FPS, replay_frames
    from coach.pose.frame import PoseSeries
    from tests.store.factories import make_frames

    series = PoseSeries.from_frames(make_frames(2.0, n=30), (320, 240))
    t0, t1 = float(series.timestamps_s[0]), float(series.timestamps_s[-1])
    plain = sum(1 for _ in replay_frames(series))
    early = sum(1 for _ in replay_frames(series, start_s=t0 - 1.0))
    assert plain == int((t1 - t0) * REPLAY_FPS) + 1
    assert early == int((t1 - t0 + 1.0) * REPLAY_FPS) + 1  # one more second at the start


def test_programme_table_shows_no_none_and_reads_tempo():
    """Empty tempo is blank (the patient's own pace), never "None"; a typed tempo is read back."""
    from coach.app.pages.programme import programme_from_table, table
    from coach.programme.model import Programme, ProgrammeExercise

    df = table(Programme("P001", (ProgrammeExercise("squat"),)))
    assert df.loc[0, "tempo_s"] == "" and "None" not in df.astype(str).to_string()
    df.loc[0, "tempo_s"] = "3,5"
    assert programme_from_table(df, "P001", "AB", "slower").exercise("squat").tempo_s == 3.5
    df.loc[0, "tempo_s"] = "slow"
    with pytest.raises(Exception, match="tempo_s"):
        programme_from_table(df, "P001", "AB", "bad")
