"""Exercise demonstrations (issue 18): each Today card says how the exercise is done in its spec's
plain-words steps and, on request, plays a clip the synthetic generator renders from the spec."""
from __future__ import annotations

import dataclasses

import cv2
import pytest

from exercises import EXERCISE_NAMES, get_spec
from tests.app.conftest import no_exception, run_page


def test_every_exercise_says_how_it_is_done_and_a_spec_without_steps_fails_at_import():
    for name in EXERCISE_NAMES:
        steps = get_spec(name).steps
        assert 2 <= len(steps) <= 4 and all(s.strip().endswith(".") for s in steps), name
    with pytest.raises(ValueError, match="plain-words steps"):
        dataclasses.replace(get_spec("squat"), steps=())


@pytest.mark.parametrize("exercise", ["sit-to-stand", "single-leg-stance"])
def test_the_demonstration_is_a_playable_clip_of_the_exercise_made_once(tmp_path, exercise):
    from coach.app.demos import demo_video

    path = demo_video(exercise, tmp_path)
    cap = cv2.VideoCapture(str(path))
    frames, fps = int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), cap.get(cv2.CAP_PROP_FPS)
    ok, frame = cap.read()
    cap.release()
    assert ok and frame.std() > 5  # a drawn person on a wall, not a blank picture
    assert frames / fps >= (6.0 if exercise == "single-leg-stance" else 4.0)  # two stands / a 5-s hold
    made = path.stat().st_mtime_ns
    assert demo_video(exercise, tmp_path) == path and path.stat().st_mtime_ns == made  # kept, not redrawn
    assert not list(tmp_path.glob(".*part*"))


def test_today_cards_show_the_steps_and_play_the_demonstration(seeded_store, monkeypatch):
    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    at = run_page("today")
    no_exception(at)
    assert any("Lean forward, nose over toes" in m.value for m in at.markdown)
    assert not at.get("video")
    at.button(key="show_sit-to-stand").click().run()
    no_exception(at)
    assert len(at.get("video")) == 1


PLAYING_JS = """() => { const v = [...document.querySelectorAll('video')].find(v => v.readyState >= 2);
  return v ? v.currentTime : null; }"""


def test_in_the_browser_the_demonstration_plays_and_nothing_is_fetched_outside(tmp_path):
    """A real headless Chromium: the steps, then 'Show me' plays the drawn clip (H.264 that a browser
    decodes), with every request to the app itself."""
    from urllib.parse import urlparse

    pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")
    from playwright.sync_api import sync_playwright

    from coach.programme.model import from_dict
    from coach.store import Store
    from tests.app.browser import CHROMIUM, launch, snap, sqlite_url, streamlit_server
    from tests.app.conftest import APP_FILE

    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed")
    data = tmp_path / "home"
    env = {"COACH_DATA_DIR": str(data), "COACH_DATABASE_URL": "", "COACH_APP_PATIENT": "P001",
           "COACH_APP_ROLE": "patient", "COACH_APP_VOICE": "none"}
    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=75, sex="female", condition="stroke")
        store.save_programme(from_dict({"patient": "P001", "exercise": [{"name": "sit-to-stand", "reps": 5}]}))
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url, sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(url)
        page.get_by_text("How to do it: Sit to stand").click()
        page.get_by_text("Lean forward, nose over toes").wait_for(timeout=30_000)
        page.get_by_role("button", name="Show me").click()
        page.wait_for_function(PLAYING_JS, timeout=90_000)
        first = page.evaluate(PLAYING_JS)
        # it plays (autoplay, muted, looping): its clock moves on. Waited for, not read after a fixed
        # 1.5 s: under load Streamlit re-rendered the element in between and nothing was playing yet.
        page.wait_for_function(f"() => {{ const t = ({PLAYING_JS})(); return t !== null && t !== {first}; }}",
                               timeout=30_000)
        snap(page, tmp_path, "today_demo")
        ctx.close()
    host = urlparse(url).netloc
    outside = [u for u in requests if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).netloc != host]
    assert not outside, outside


def test_read_it_to_me_speaks_the_card_and_its_steps_on_this_computer(seeded_store, monkeypatch):
    from coach.app.pages import today
    from coach.live.speech import SilentSpeaker

    speaker = SilentSpeaker()
    monkeypatch.setattr(today, "_speaker", lambda voice: speaker)
    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    at = run_page("today")
    at.button(key="read_heel-raise").click().run()
    no_exception(at)
    assert len(speaker.said) == 1 and speaker.said[0].startswith("Heel raise. 2 sets of 10")
    assert "Rise up onto your toes" in speaker.said[0]
