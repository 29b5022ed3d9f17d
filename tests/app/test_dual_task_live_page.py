"""The browser's live page offers "With a thinking task?" before the first set (issue 22.4); the
choice reaches the coach, and the board gets the task's words from each update (the camera
component replaced: AppTest cannot host WebRTC)."""
from __future__ import annotations

from tests.app.conftest import no_exception, run_page


def test_the_thinking_task_choice_reaches_the_coach(seeded_store, monkeypatch):
    from coach.app.pages import live

    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    monkeypatch.setattr(live, "camera", lambda coach: (lambda: False))
    at = run_page("today")
    at.button(key="start_sit-to-stand").click().run()
    no_exception(at)
    coach = at.session_state["live_coach"]
    choice = at.selectbox(key=live.DUAL_TASK_KEY)
    assert choice.label == "With a thinking task?" and coach.session.dual_task is None
    choice.select("serial-3s").run()
    no_exception(at)
    assert coach.session.dual_task.task.name == "serial-3s"
    at.selectbox(key=live.DUAL_TASK_KEY).select("").run()  # changed their mind: just the exercise
    assert coach.session.dual_task is None
    at.button(key="live_stop").click().run()
    at.button(key="live_done").click().run()
    assert live.DUAL_TASK_KEY not in at.session_state


def test_the_board_gets_the_task_words_from_the_update():
    from coach.app.webrtc_coach import LiveStatus
    from coach.live.setup_check import SetupResult
    from coach.live.update import LiveUpdate

    u = LiveUpdate(time_s=1.0, result=None, phase="active", set_no=1, sets_total=2, set_reps=0, target_reps=10,
                   set_elapsed_s=1.0, time_left_s=0.0, pause_reason="", setup=SetupResult(True), cue_text="",
                   cue_kind="", task_text="Count back by 3 from 71")
    assert LiveStatus.from_update(u, 0, 1).task_text == "Count back by 3 from 71"
