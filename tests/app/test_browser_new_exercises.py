"""The three exercises of issue 22 live in a real headless Chromium, each from its own generated clip
played as the fake camera: marching in place (to a metronome), step-ups and weight shifts.

One patient laptop server for the three (a programme of all three, one set each of the clip's own
number of reps); each clip is short (a few reps, rendered once per exercise) and loops in
Chromium's camera. One "Start" press per exercise. The page's count must be the generator's truth,
and the stored reps must be that many for each side (per leg for marching and step-ups, per foot
for weight shifts); the summary shows each side in plain words. Screenshots of the running page
and the summary at 1280 and 800 px go to $COACH_TEST_SCREENSHOTS (default: a tmp dir).
"""
from __future__ import annotations

import re
import subprocess
import time

import pytest

from tests.app.browser import CHROMIUM, launch, snap, sqlite_url, streamlit_server
from tests.app.conftest import APP_FILE

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")

# Short clips: the live set's target is the clip's own count, so the set ends after one pass of the
# clip (two at most, when the camera started mid-clip). Marching to a metronome of 60 a minute.
CLIPS = {
    "stepping": dict(reps=4, tempo=1.0),
    "step-up": dict(reps=2),
    "weight-shift": dict(reps=2),
}
STEP_PERIOD_S = 1.0
# What the summary's per-side line says for each (coach.reports.per_side.patient_lines).
SIDE_WORDS = {"stepping": r"Left leg: {left} steps?\. Right leg: {right} steps?\.",
              "step-up": r"Left foot up first: {left} times?\. Right foot up first: {right} times?\.",
              "weight-shift": r"Over your left foot: {left} times?.*Over your right foot: {right} times?"}


def _clip(folder, exercise: str):
    """(y4m path, truth): front view, 15 fps, 480x360."""
    import imageio_ffmpeg

    from coach.synth import ClipSpec, generate, write_clip

    clip = generate(ClipSpec(exercise=exercise, view="front", fps=15.0, size=(480, 360), start_rest_s=2.0,
                             end_rest_s=1.5, seed=3, **CLIPS[exercise]))
    mp4, _ = write_clip(clip, folder / f"{exercise}.mp4")
    y4m = folder / f"{exercise}.y4m"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(mp4),
                    "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", str(y4m)], check=True)
    return y4m, clip.truth


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    """Each exercise's clip, rendered once (on first use)."""
    folder = tmp_path_factory.mktemp("new_exercise_clips")
    made: dict = {}

    def get(exercise: str):
        if exercise not in made:
            made[exercise] = _clip(folder, exercise)
        return made[exercise]

    return get


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """The patient's laptop: P001 with one set of each new exercise, as many reps as its clip."""
    from coach.programme.model import from_dict
    from coach.store import Store

    data = tmp_path_factory.mktemp("home")
    # The app's default model (full): the lite model reads no step of a front-view march (file mode: 0 of
    # 4 counted; live in the browser it counted one leg's steps, at 15 deg against the clip's 60).
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "full", "COACH_APP_VOICE": "none",
           "COACH_DATABASE_URL": "", "COACH_APP_PATIENT": "P001", "COACH_APP_ROLE": "patient"}
    exercises = [{"name": name, "sets": 1, "reps": kw["reps"], "rest_s": 10} for name, kw in CLIPS.items()]
    exercises[0]["tempo_s"] = STEP_PERIOD_S  # marching to the metronome
    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=75, sex="male", condition="parkinsons", video_opt_in=False)
        store.save_programme(from_dict({"patient": "P001", "exercise": exercises}))
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url:
        yield url, data


def _stored(data, exercise: str, timeout_s: float = 20.0):
    from coach.store import Store

    deadline = time.monotonic() + timeout_s
    while True:
        with Store.open(sqlite_url(data)) as store:
            live = [s for s in store.sessions("P001") if s.source == "browser camera" and s.exercise == exercise]
            record = store.load_session(live[-1].id) if live else None
        if (record is not None and record.summary.status != "interrupted") or time.monotonic() > deadline:
            return record
        time.sleep(1)


@pytest.mark.parametrize("exercise", list(CLIPS))
def test_a_new_exercise_is_counted_per_side_from_the_fake_camera(exercise, home, clips, shots, tmp_path):
    from coach import labels

    url, data = home
    y4m, truth = clips(exercise)
    per_side = truth.notes["per_side"]
    assert sum(per_side.values()) == truth.true_reps == CLIPS[exercise]["reps"]
    name = re.escape(labels.exercise(exercise))
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path, camera=y4m)
        page = ctx.new_page()
        page.goto(url)
        start = page.get_by_role("button", name=re.compile(rf"(Start|Do it again): {name}$"))
        start.wait_for(timeout=60_000)
        start.click()  # the only press (but for the question below)
        # An exercise that needs someone beside the patient (step-ups) asks first (caregiver mode).
        helper = page.get_by_role("button", name="Yes, someone is with me")
        page.wait_for_function("() => document.querySelector('#coach-reps') || [...document.querySelectorAll('button')]"
                               ".some(b => b.innerText.includes('someone is with me'))", timeout=120_000)
        if helper.count():
            helper.click()
        try:
            page.locator("#coach-reps").wait_for(timeout=120_000)
        except Exception:
            page.screenshot(path=str(shots / f"live_{exercise}_no_board.png"), full_page=True)
            raise
        # The first count on the board (or the summary already, on a fast run).
        page.wait_for_function("() => { const n = document.querySelector('#coach-reps');"
                               " return (n && Number(n.textContent) >= 1) ||"
                               " document.querySelector(\"[data-testid='coach-summary']\"); }", timeout=120_000)
        snap(page, shots, f"live_{exercise}_running", height=1400, settle_ms=300)
        summary = page.locator("[data-testid='coach-summary']")
        summary.wait_for(timeout=180_000)
        snap(page, shots, f"live_{exercise}_summary", height=1600, settle_ms=500)
        text = summary.inner_text()
        sides = page.locator("[data-testid='coach-sides']").inner_text()
        ctx.close()
    assert f"You did {truth.true_reps} repetition" in text, text
    assert re.search(SIDE_WORDS[exercise].format(**per_side), sides, re.S), sides
    record = _stored(data, exercise)
    assert record is not None and record.summary.status == "complete"
    counted = [r for r in record.reps if r.counted]
    assert {s: sum(r.side == s for r in counted) for s in ("left", "right")} == per_side, \
        [(r.side, r.start_s, r.metrics) for r in record.reps]
