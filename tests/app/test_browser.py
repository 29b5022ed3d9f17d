"""The app in a real headless Chromium (Debian's, driven by Playwright; no browser download):
an uploaded video is analysed and its rep count matches the clip's truth; the live page, fed by
Chromium's fake camera playing a synthetic clip, counts the clip's reps. Screenshots are saved
to $COACH_TEST_SCREENSHOTS (default: the test's tmp dir) for a person to look at."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.app.browser import CHROMIUM, CHROMIUM_FLAGS, FAKE_CAMERA_FLAGS, make_clip, streamlit_server
from tests.app.conftest import APP_FILE

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clip"), reps=3)


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("COACH_TEST_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def server(tmp_path_factory, clip):
    """The app on a free port with its own data dir: patient P001, programme 1 x (true reps)."""
    from coach.programme.model import from_dict
    from coach.store import Store

    data = tmp_path_factory.mktemp("appdata")
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none",
           "COACH_DATABASE_URL": ""}
    with Store.open(f"sqlite:///{data / 'coach.db'}") as store:
        store.add_patient("P001", age=70, sex="female", condition="stroke", video_opt_in=False)
        store.save_programme(from_dict({"patient": "P001", "exercise": [
            {"name": "sit-to-stand", "sets": 1, "reps": clip[2].true_reps, "rest_s": 10}]}))
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url:
        yield url, data


def _browser(p, tmp_path, extra=()):
    return p.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=str(CHROMIUM), headless=True,
        args=[*CHROMIUM_FLAGS, *extra], viewport={"width": 1280, "height": 1800})


def test_upload_shows_the_true_rep_count_and_a_playable_video(server, clip, shots, tmp_path):
    url, _ = server
    mp4, _, truth = clip
    with playwright_api.sync_playwright() as p:
        ctx = _browser(p, tmp_path)
        page = ctx.new_page()
        page.goto(f"{url}/upload")
        page.get_by_text("Check a recorded video").first.wait_for(timeout=30_000)
        page.screenshot(path=str(shots / "upload_before.png"), full_page=True)
        page.locator("input[type=file]").set_input_files(str(mp4))
        count = page.locator("#upload-reps")
        count.wait_for(timeout=120_000)
        assert int(count.inner_text()) == truth.true_reps
        video = page.locator("video").first
        video.wait_for(timeout=30_000)
        page.wait_for_function("() => { const v = document.querySelector('video');"
                               " return v && v.readyState >= 2 && v.videoWidth > 0; }", timeout=30_000)
        page.get_by_text("Saved to your record").wait_for(timeout=10_000)
        page.screenshot(path=str(shots / "upload_result.png"), full_page=True)
        ctx.close()


def test_hostile_upload_in_the_browser_gets_a_message(server, shots, tmp_path):
    url, _ = server
    bad = tmp_path / "notes.txt"
    bad.write_text("not a video")
    with playwright_api.sync_playwright() as p:
        ctx = _browser(p, tmp_path)
        page = ctx.new_page()
        page.goto(f"{url}/upload")
        page.locator("input[type=file]").set_input_files(str(bad))
        page.get_by_text("does not look like a video").wait_for(timeout=30_000)
        page.screenshot(path=str(shots / "upload_rejected.png"), full_page=True)
        ctx.close()


def test_live_camera_counts_the_clip(server, clip, shots, tmp_path):
    url, data = server
    _, y4m, truth = clip
    with playwright_api.sync_playwright() as p:
        ctx = _browser(p, tmp_path, [*FAKE_CAMERA_FLAGS, f"--use-file-for-fake-video-capture={y4m}"])
        page = ctx.new_page()
        page.goto(url)
        start = page.get_by_role("button", name=re.compile(r"(Start|Do it again): Sit to stand"))
        start.wait_for(timeout=30_000)
        page.screenshot(path=str(shots / "today.png"), full_page=True)
        start.click()
        page.get_by_role("button", name=re.compile("I'm ready")).wait_for(timeout=30_000)
        page.screenshot(path=str(shots / "live_setup_check.png"), full_page=True)
        page.get_by_role("button", name=re.compile("I'm ready")).click()
        frame = page.frame_locator("iframe[title*='streamlit_webrtc']")
        frame.get_by_role("button", name="Turn on the camera").click(timeout=30_000)
        page.locator("#coach-reps").wait_for(timeout=30_000)
        page.wait_for_timeout(6_000)
        page.screenshot(path=str(shots / "live_running.png"), full_page=True)
        summary = page.locator("[data-testid='coach-summary']")
        summary.wait_for(timeout=150_000)
        page.screenshot(path=str(shots / "live_summary.png"), full_page=True)
        assert f"You did {truth.true_reps} repetition" in summary.inner_text()
        assert int(page.locator("#coach-reps").inner_text()) == truth.true_reps
        ctx.close()
    from coach.store import Store

    with Store.open(f"sqlite:///{data / 'coach.db'}") as store:
        live = [s for s in store.sessions("P001") if s.source == "browser camera"]
    assert live and live[-1].reps == truth.true_reps and live[-1].status == "complete"


def test_physio_pages_render_in_the_browser(server, shots, tmp_path):
    """After the uploads and live session above: the physio's review, progress and programme pages."""
    url, _ = server
    with playwright_api.sync_playwright() as p:
        ctx = _browser(p, tmp_path)
        page = ctx.new_page()
        for path, text, name in (("review", "Rep timeline", "physio_review"), ("progress", "Trends", "physio_progress"),
                                 ("programme", "Exercises", "physio_programme"), ("patients", "Sessions of", "physio_patients")):
            page.goto(f"{url}/{path}")
            page.get_by_text(text, exact=False).first.wait_for(timeout=60_000)
            page.wait_for_timeout(1_500)  # charts draw after the text
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            assert not page.locator("[data-testid='stException']").count()
        ctx.close()
