"""The patient's week in a real headless Chromium: a diary entry and clips recorded for the physio
from Chromium's fake camera (a synthetic sit-to-stand clip) on the patient's laptop, shared as one
file, imported on the physio's server (password), and shown on the physio's review: the diary's
values, and each clip's note with its video (inline, no ``/media`` URL), or, for the clip recorded
without video consent, the skeleton replay. Screenshots at 1280 and 800 px go to
$COACH_TEST_SCREENSHOTS (default: a tmp dir)."""
from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest

from tests.app.browser import CHROMIUM, launch, make_clip, snap, sqlite_url, streamlit_server
from tests.app.conftest import APP_FILE

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")

PASSWORD = "physio-test-pw"
DIARY = {"fatigue": 4, "pain": 2, "falls": 1, "near_falls": 1, "freezing": 2, "note": "froze at the kitchen door"}
NO_VIDEO_NOTE = "tremor in my left hand"
VIDEO_NOTE = "freezing at the doorway"
RECORD_S = 4.0


@pytest.fixture(scope="module")
def y4m(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clip"), reps=2)[1]


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """The patient's laptop: P001, who has not (yet) agreed to video."""
    from coach.store import Store

    data = tmp_path_factory.mktemp("home")
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none",
           "COACH_DATABASE_URL": "", "COACH_APP_PATIENT": "P001", "COACH_APP_ROLE": "patient"}
    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=68, condition="parkinsons", video_opt_in=False)
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url:
        yield url, data


@pytest.fixture(scope="module")
def clinic(tmp_path_factory):
    data = tmp_path_factory.mktemp("clinic")
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none",
           "COACH_DATABASE_URL": "", "COACH_APP_ROLE": "physio", "COACH_APP_PASSWORD": PASSWORD}
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url:
        yield url, data


def _record(page, note: str, shots: Path | None = None, name: str = "") -> str:
    """On "Record a clip": type the note, one press, record ``RECORD_S`` seconds, stop; the saved line."""
    page.get_by_label("A few words for your physiotherapist (optional)").fill(note)
    page.get_by_label("A few words for your physiotherapist (optional)").press("Enter")
    page.wait_for_timeout(800)
    page.get_by_role("button", name=re.compile("Record \\(up to 30 seconds\\)")).click()
    status = page.get_by_test_id("clip-status")
    page.wait_for_function("() => /Recording: [1-9]/.test((document.querySelector(\"[data-testid='clip-status']\")"
                           " || {}).innerText || '')", timeout=90_000)
    time.sleep(RECORD_S - 1.0)
    assert "Recording" in status.inner_text()
    if shots is not None:
        page.screenshot(path=str(shots / f"{name}_1280.png"), full_page=True)
    page.get_by_role("button", name="Stop and save").click()
    saved = page.get_by_text(re.compile("^Saved: "))
    saved.wait_for(timeout=120_000)
    return saved.inner_text()


def test_diary_and_clips_reach_the_physio_review(home, clinic, y4m, shots, tmp_path):
    url, home_data = home
    clinic_url, clinic_data = clinic
    bundle = tmp_path / "bundle.zip"
    requested = []
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path, camera=y4m)
        page = ctx.new_page()
        page.on("request", lambda r: requested.append(r.url))
        # the diary: a few taps and a note
        page.goto(f"{url}/diary")
        page.get_by_text("How tired are you today?").wait_for(timeout=30_000)
        assert [t.strip().splitlines()[-1].strip() for t in
                page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()][2:4] == \
            ["My diary", "Record a clip"]
        for group, key in (("Tiredness (0 to 10)", "fatigue"), ("Pain (0 to 10)", "pain")):  # one tap each
            page.get_by_role("radiogroup", name=group).get_by_role("radio", name=str(DIARY[key]), exact=True).click()
            page.wait_for_timeout(500)
        for label, key in (("Falls", "falls"), ("Near-falls", "near_falls"), ("Freezing episodes", "freezing")):
            box = page.get_by_label(label, exact=True)
            box.fill(str(DIARY[key]))
            box.press("Enter")
            page.wait_for_timeout(500)
        page.get_by_label("Anything else for your physiotherapist? (optional)").fill(DIARY["note"])
        page.wait_for_timeout(300)
        page.get_by_role("button", name="Save today's diary").click()
        page.get_by_text("Saved. Thank you").wait_for(timeout=30_000)
        advice = page.get_by_test_id("diary-fall-advice")  # a fall: who to call, when to get help
        advice.wait_for(timeout=10_000)
        assert "emergency number" in advice.inner_text()
        assert DIARY["note"] in page.get_by_test_id("diary-week").inner_text()
        snap(page, shots, "patient_diary", settle_ms=800)

        # a clip without video consent: the page says so; only the skeleton is kept
        page.goto(f"{url}/record")
        page.get_by_text("You have not agreed to keep videos").wait_for(timeout=30_000)
        snap(page, shots, "patient_record_no_consent", settle_ms=800)
        assert "movement of your body (no picture)" in _record(page, NO_VIDEO_NOTE, shots, "patient_record_recording")
        from coach.store import Store

        with Store.open(sqlite_url(home_data)) as store:
            store.update_patient("P001", video_opt_in=True)  # the physio records the patient's consent
        page.goto(f"{url}/record")
        page.get_by_text("The video and the movement of your body are kept").wait_for(timeout=30_000)
        assert "the video and the movement" in _record(page, VIDEO_NOTE)
        page.get_by_text("My clips").wait_for(timeout=10_000)
        snap(page, shots, "patient_record_saved", settle_ms=800)

        page.goto(f"{url}/share")
        page.get_by_text("This makes one file with 1 day of your diary and 2 clips.").wait_for(timeout=30_000)
        page.get_by_role("button", name="Make the file").click(timeout=30_000)
        with page.expect_download(timeout=60_000) as dl:
            page.get_by_role("button", name=re.compile("Save the file")).click(timeout=60_000)
        dl.value.save_as(bundle)
        snap(page, shots, "patient_share_with_diary_and_clips", settle_ms=800)
        ctx.close()
    with Store.open(sqlite_url(home_data)) as store:
        kept = {c.note: c for c in store.clips("P001")}
        entry = store.diary_entry("P001", date.today())
    assert kept[NO_VIDEO_NOTE].video_path is None and kept[VIDEO_NOTE].video_path is not None
    for c in kept.values():  # what was recorded: about RECORD_S seconds, the body found in it
        assert 2.0 <= c.duration_s <= RECORD_S + 6.0 and c.pose_coverage >= 0.8, c
    assert (entry.fatigue, entry.pain, entry.falls, entry.near_falls, entry.freezing, entry.note) == \
        (DIARY["fatigue"], DIARY["pain"], DIARY["falls"], DIARY["near_falls"], DIARY["freezing"], DIARY["note"])

    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(clinic_url)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Import a patient's shared file").click(timeout=30_000)
        page.locator("input[type=file]").last.set_input_files(str(bundle))
        msg = page.get_by_text(re.compile("clip\\(s\\) for the physio"))
        msg.wait_for(timeout=90_000, state="attached")
        assert "1 diary day(s), 2 clip(s) for the physio (1 with video)" in msg.inner_text(), msg.inner_text()
        page.get_by_role("link", name="Patients").click()  # the list again, now with P001 and their week
        page.get_by_test_id("patients-diary-weeks").wait_for(timeout=30_000)
        assert "froze" not in page.get_by_test_id("patients-diary-weeks").inner_text()  # counts, not notes
        assert VIDEO_NOTE in page.locator("p", has_text="Clips from the patient:").inner_text()
        snap(page, shots, "physio_patients_with_diary", settle_ms=800)

        page.get_by_role("link", name="Session review").click()
        page.get_by_role("tab", name=re.compile("Diary \\(1 day\\)")).click(timeout=30_000)
        page.get_by_text("Tiredness and pain, day by day").wait_for(timeout=30_000)
        page.wait_for_timeout(1_500)
        snap(page, shots, "physio_review_diary", settle_ms=800)
        from coach.store import Store

        with Store.open(sqlite_url(clinic_data)) as store:
            shown = store.diary_entry("P001", date.today())
        assert (shown.fatigue, shown.pain, shown.near_falls, shown.freezing, shown.note) == \
            (DIARY["fatigue"], DIARY["pain"], DIARY["near_falls"], DIARY["freezing"], DIARY["note"])
        week = page.get_by_test_id("diary-weeks").inner_text()  # one day: the week's means are its values
        assert re.search(r"1 of 7\s+4\.0\s+2\.0\s+1\s+1\s+2", week), week
        day = page.get_by_test_id("diary-days").inner_text()
        assert re.search(r"\s4\s+2\s+1\s+1\s+2\s+froze at the kitchen door", day), day
        page.get_by_role("tab", name=re.compile("Clips from the patient \\(2\\)")).click()
        note = page.get_by_test_id("clip-note")
        note.wait_for(timeout=60_000)
        assert VIDEO_NOTE in note.inner_text()  # the newest first: the one with video
        _wait_video(page)
        snap(page, shots, "physio_review_clip_video", settle_ms=800)
        page.get_by_role("button", name="Watch").click()
        page.get_by_text("No video was kept (the patient has not agreed to video)").wait_for(timeout=90_000)
        assert NO_VIDEO_NOTE in page.get_by_test_id("clip-note").inner_text()
        _wait_video(page)
        snap(page, shots, "physio_review_clip_skeleton", settle_ms=800)
        ctx.close()
    # videos inline, never by URL (the share file's own download is Streamlit's, as on the share page)
    assert not [u for u in requested if re.search(r"^https?://[^/]+/media/.*\.(mp4|webm)", u)]


def _wait_video(page) -> None:
    page.wait_for_function("() => { const v = [...document.querySelectorAll(\"[data-testid='coach-video']\")]"
                           ".find(v => v.offsetParent !== null); return v && v.src.startsWith('data:video/') &&"
                           " v.readyState >= 2 && v.videoWidth > 0; }", timeout=60_000)
