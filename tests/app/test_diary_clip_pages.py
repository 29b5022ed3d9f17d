"""The diary, clip and review pages without a browser (AppTest): what the patient enters is what is
stored, a finished recording is saved as a clip, and the physio's review lists the diary's values,
the clips' notes and a balance loss with its moment."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.app.conftest import no_exception, run_page


def test_diary_taps_are_stored_and_saving_again_replaces_the_day(home):
    at = run_page("diary")
    no_exception(at)
    which, fatigue, pain = at.get("button_group")
    assert which.value == "Today"
    fatigue.set_value(7)
    pain.set_value(3)
    at.number_input(key=f"diary_falls_{date.today()}").set_value(1)
    at.number_input(key=f"diary_freezing_{date.today()}").set_value(4)
    at.text_area[0].set_value("fell getting out of bed")
    at.button(key="diary_save").click().run()
    no_exception(at)
    assert "Saved" in at.success[0].value
    [entry] = home.diary_entries("P001")
    assert (entry.day, entry.fatigue, entry.pain, entry.falls, entry.near_falls, entry.freezing, entry.note) == \
        (date.today(), 7, 3, 1, 0, 4, "fell getting out of bed")
    at = run_page("diary")  # the day's entry comes back to be changed
    assert at.get("button_group")[1].value == 7 and any("already wrote" in c.value for c in at.caption)
    at.get("button_group")[2].set_value(5)
    at.button(key="diary_save").click().run()
    [entry] = home.diary_entries("P001")
    assert (entry.pain, entry.fatigue, entry.freezing) == (5, 7, 4)
    at.get("button_group")[0].set_value("Yesterday").run()  # a diary forgotten last night, written this morning
    assert "How was yesterday" in " ".join(m.value for m in at.markdown)
    assert at.get("button_group")[1].value is None  # yesterday's own (empty) answers, not today's
    at.get("button_group")[1].set_value(9)
    at.button(key="diary_save").click().run()
    no_exception(at)
    assert [(e.day, e.fatigue) for e in home.diary_entries("P001")] == \
        [(date.today() - timedelta(days=1), 9), (date.today(), 7)]


def test_a_finished_recording_is_saved_as_a_clip_without_video_when_not_agreed(home):
    from coach.app.clip_recorder import ClipRecorder
    from coach.synth import ClipSpec, generate

    clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=1, fps=10.0, start_rest_s=0.3, end_rest_s=0.3))
    recorder = ClipRecorder()
    for k, image in enumerate(clip.frames()):
        recorder.process(image, k / clip.fps)
    recorder.stop()
    at = run_page("record")
    no_exception(at)
    assert any("You have not agreed to keep videos" in i.value for i in at.info)
    at.session_state["clip_recorder"] = recorder
    at.session_state["clip_note_kept"] = "wobbly when turning"
    at.run(timeout=120)
    no_exception(at)
    [saved] = home.clips("P001")
    assert saved.note == "wobbly when turning" and saved.video_path is None and saved.n_frames == len(clip.poses)
    assert "movement of your body (no picture)" in at.success[0].value
    assert not list(home.media_dir.rglob("*.mp4"))


def test_review_shows_diary_clips_and_balance_losses(app_env, monkeypatch):
    from coach.pose.frame import PoseSeries
    from coach.store import DiaryEntry, Store
    from tests.store.factories import make_frames, make_rep

    monkeypatch.setenv("COACH_APP_ROLE", "physio")
    with Store.open() as store:
        store.add_patient("P001")
        rec = store.start_session("P001", "single-leg-stance", lazy=False)
        rec.start_set()
        rec.add_rep(make_rep(1))
        rec.finish()
        store.add_session_event(rec.session_id, 4.25, "balance_loss", "step: the raised foot went down")
        store.save_diary_entry(DiaryEntry("P001", date(2026, 11, 30), fatigue=6, pain=1, falls=1, note="fell, I think"))
        store.save_diary_entry(DiaryEntry("P001", date(2026, 11, 30), fatigue=6, pain=1, near_falls=2, note="dizzy"))
        store.save_clip("P001", note="freezing at the doorway", duration_s=6.0,
                        track=PoseSeries.from_frames(make_frames(0.0, 60)))
    at = run_page("review", timeout=120)
    no_exception(at)
    assert [t.label for t in at.tabs] == ["Sessions", "Diary (1 day)", "Clips from the patient (1)"]
    text = " ".join(m.value for m in at.markdown)
    assert "**Loss of balance** at 4.2 s: a sudden step: the raised foot went down" in text \
        or "**Loss of balance** at 4.3 s: a sudden step: the raised foot went down" in text
    assert "<td style='padding:4px 10px'>6.0</td>" in text and "dizzy" in text  # the week's mean and the day
    assert "Changed days: what they said before" in text and "fell, I think" in text  # the day's earlier version
    assert "freezing at the doorway" in text
    assert any("No video was kept" in c.value for c in at.caption)


def test_a_camera_that_never_started_records_nothing_and_says_so(home):
    from coach.app.clip_recorder import ClipRecorder

    at = run_page("record")
    recorder = ClipRecorder()
    recorder.stop()  # what streamlit-webrtc's "video ended" does when the camera failed
    at.session_state["clip_recorder"] = recorder
    at.run()
    no_exception(at)
    assert "nothing was recorded" in at.warning[0].value and home.clips("P001") == []
    assert at.button(key="clip_start")  # back to the start, ready to try again


def test_falls_of_the_last_four_weeks_are_named_with_their_day_and_note():
    from coach.app.diary_view import falls_alert, weeks_frame
    from coach.store import DiaryEntry

    entries = [DiaryEntry("P", date(2026, 11, 2), falls=1),  # 29 days before: outside
               DiaryEntry("P", date(2026, 11, 20), falls=2, note="in the hall"),
               DiaryEntry("P", date(2026, 11, 25), near_falls=3),
               DiaryEntry("P", date(2026, 12, 1), falls=1, fatigue=8)]
    assert falls_alert(entries, date(2026, 12, 1)) == \
        "3 falls reported in the last 4 weeks: Tue 01 Dec; Fri 20 Nov (2): “in the hall”"
    assert falls_alert(entries[2:3], date(2026, 12, 1)) == ""
    weeks = weeks_frame(entries)
    assert list(weeks["Week of"])[:2] == ["30 Nov 2026", "23 Nov 2026"]  # newest first
    assert list(weeks["Falls"])[:3] == [1, 0, 2] and list(weeks["Days"])[0] == "1 of 7"


def test_movement_chart_data_follows_each_point_around_its_own_height():
    """A wrist shaking 7.5 Hz by 2% of the picture (sampled at its peaks) and a still ankle."""
    import numpy as np

    from coach.app.clip_view import movement_frame
    from coach.pose.frame import PoseSeries
    from coach.pose.landmarks import Landmark

    t = np.arange(0, 2, 1 / 30)
    image = np.full((len(t), 33, 4), 0.5)
    image[:, :, 3] = 0.9
    image[:, int(Landmark.LEFT_WRIST), 1] = 0.4 + 0.02 * np.sin(2 * np.pi * 7.5 * t)
    image[:, int(Landmark.LEFT_ANKLE), 1] = 0.9
    image[:, int(Landmark.RIGHT_WRIST), 3] = 0.1  # not seen well: left out
    df = movement_frame(PoseSeries(t, image, np.zeros((len(t), 33, 3)), (640, 480)))
    wrist = df[df.part == "Left wrist"].move.to_numpy()
    assert wrist.max() == pytest.approx(2.0, abs=0.05) and wrist.min() == pytest.approx(-2.0, abs=0.05)
    assert np.allclose(df[df.part == "Left ankle"].move, 0.0) and "Right wrist" not in set(df.part)
