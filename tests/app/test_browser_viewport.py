"""The patient's screens in a real headless Chromium at a laptop's 1280x800 and a tablet's 800x1000:

- Today marks by the clock (the server's clock set by ``COACH_APP_NOW`` to 13:05) what is due now,
  missed, next and later, due-now first, and lists the phone reminders' times;
- at the start of every exercise of the programme (each "Start" pressed where it is on the page,
  scrolled down to if need be) and of a guided test, the counter, the clock (the phase and
  countdown line; the hold clock of a balance hold) and the patient's own video are inside the
  viewport, without scrolling;
- nothing is fetched from anywhere but the app's own 127.0.0.1 server (no web fonts, no icons).

Screenshots go to $COACH_TEST_SCREENSHOTS (default: a tmp dir).
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.app.browser import CHROMIUM, launch, make_clip, press_until, sqlite_url, streamlit_server
from tests.app.conftest import APP_FILE
from exercises import get_spec

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")

SIZES = ((1280, 800), (800, 1000))
NOW = "2026-12-03T13:05"  # a Thursday
# (exercise, time of day, mark at 13:05): in the day's order; the page shows due-now first
PROGRAMME = (("sit-to-stand", "08:00", "missed"), ("heel-raise", "13:00", "now"),
             ("head-turn", "18:00", "next"), ("single-leg-stance", "20:00", "later"))
LABELS = {"sit-to-stand": "Sit to stand", "heel-raise": "Heel raise", "head-turn": "Head turns",
          "single-leg-stance": "Standing on one leg"}
LOCAL_SCHEMES = ("data", "blob", "about", "chrome", "chrome-extension")

IN_VIEW_JS = """(sel) => {
  const el = document.querySelector(sel);
  if (!el) return null;
  const r = el.getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, w: innerWidth, h: innerHeight};
}"""
VIDEO_JS = """() => {
  for (const f of document.querySelectorAll('iframe')) {
    let v = null;
    try { v = f.contentDocument.querySelector('video'); } catch (e) { continue; }
    if (!v || !v.videoWidth) continue;
    const a = f.getBoundingClientRect(), b = v.getBoundingClientRect();
    return {top: a.top + b.top, bottom: a.top + b.bottom, left: a.left + b.left, right: a.left + b.right,
            w: innerWidth, h: innerHeight};
  }
  return null;
}"""


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return make_clip(tmp_path_factory.mktemp("clip"), reps=3)


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    from coach.programme.model import from_dict
    from coach.store import Store

    data = tmp_path_factory.mktemp("home")
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none",
           "COACH_DATABASE_URL": "", "COACH_APP_PATIENT": "P001", "COACH_APP_ROLE": "patient",
           "COACH_APP_NOW": NOW}
    items = []
    for name, at, _ in PROGRAMME:
        item = {"name": name, "sets": 1, "reps": 3, "rest_s": 10, "times": [at]}
        if name == "single-leg-stance":
            item.update(reps=2, hold_s=10)
        items.append(item)
    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=75, sex="female", condition="stroke")
        store.save_programme(from_dict({"patient": "P001", "exercise": items}))
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url:
        yield url, data


def _outside(urls: list[str], base: str) -> list[str]:
    host = urlparse(base).netloc
    return [u for u in urls if urlparse(u).scheme not in LOCAL_SCHEMES and urlparse(u).netloc != host]


def _assert_in_view(page, box: dict | None, what: str, shot, min_px: float = 60) -> None:
    """Wholly inside the viewport and shown (a hidden element's box is 0 x 0 at the top left)."""
    ok = box is not None and box["top"] >= -1 and box["bottom"] <= box["h"] + 1 and box["left"] >= -1 \
        and box["right"] <= box["w"] + 1 and min(box["right"] - box["left"], box["bottom"] - box["top"]) >= min_px
    if not ok:
        page.screenshot(path=str(shot))
    assert ok, f"{what} not in the viewport: {box} (see {shot})"


def _start_screen_in_view(page, shots, name: str, counter: str) -> None:
    """Wait for the coach's counter and the playing video; both, and the phase line, in view."""
    page.locator(counter).wait_for(timeout=60_000)
    page.wait_for_function(VIDEO_JS, timeout=90_000)
    page.wait_for_timeout(1_500)  # the layout settles (the board fills, the scroll is reset)
    shot = shots / f"FAILED_{name}.png"
    _assert_in_view(page, page.evaluate(IN_VIEW_JS, counter), f"{name}: the counter", shot)
    _assert_in_view(page, page.evaluate(IN_VIEW_JS, ".coach-phase"), f"{name}: the clock", shot, min_px=30)
    _assert_in_view(page, page.evaluate(VIDEO_JS), f"{name}: the video", shot, min_px=200)
    page.screenshot(path=str(shots / f"{name}.png"))


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_today_by_the_clock_and_every_start_in_view_and_nothing_fetched_outside(home, clip, shots, tmp_path,
                                                                                size):
    url, _ = home
    _, y4m, _ = clip
    w, h = size
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path, camera=y4m)
        page = ctx.new_page()
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.set_viewport_size({"width": w, "height": h})
        page.goto(url)
        page.get_by_test_id("today-now").wait_for(timeout=60_000)
        marks = page.locator("[data-testid='today-occasion']").evaluate_all("els => els.map(e => e.dataset.mark)")
        assert marks == ["now", "missed", "next", "later"], marks
        assert page.get_by_test_id("today-now").inner_text().startswith("It is 13:05. Now: Heel raise")
        times = page.get_by_test_id("today-reminder-times").inner_text()
        assert all(at in times for _, at, _ in PROGRAMME), times
        page.wait_for_timeout(800)
        page.screenshot(path=str(shots / f"today_clock_{w}.png"), full_page=True)
        for name, _, _ in PROGRAMME:
            start = page.get_by_role("button", name=re.compile(rf"(Start|Do it again): {LABELS[name]}$"))
            start.wait_for(timeout=60_000)
            start.scroll_into_view_if_needed()  # pressed where it is: low on the page for the later ones
            counter = "#coach-hold-seconds" if name == "single-leg-stance" else "#coach-reps"
            alone = page.get_by_role("button", name="No, I am on my own")
            if get_spec(name).needs_spotting:  # "Is someone with you?" first (coach.caregiver)
                press_until(start, alone)
                alone.click(timeout=60_000)
            else:
                press_until(start, page.locator(counter))
            _start_screen_in_view(page, shots, f"live_start_{name}_{w}", counter)
            page.get_by_role("button", name="Finish").click()
            page.get_by_test_id("coach-summary").wait_for(timeout=60_000)
            page.get_by_role("button", name="Back to today's list").click()
        page.goto(f"{url}/test")
        page.get_by_text("Which test?").wait_for(timeout=30_000)
        start = page.get_by_role("button", name=re.compile("Start the test: 30-second chair stand"))
        start.scroll_into_view_if_needed()
        start.click()
        _start_screen_in_view(page, shots, f"test_start_chair_stand_{w}", "#coach-reps")
        page.get_by_role("button", name="Stop the test").click()
        page.get_by_role("button", name="Back to the tests").wait_for(timeout=60_000)
        page.goto(f"{url}/?text=large&contrast=high")  # the "Easier to see" settings, from the address
        page.get_by_test_id("today-now").wait_for(timeout=60_000)
        assert page.get_by_role("switch", name="Larger text").is_checked()
        # "Do it again" once today's heel raises were done (the loop above may have counted some)
        start = page.get_by_role("button", name=re.compile(r"(Start|Do it again): Heel raise$"))
        start.wait_for(timeout=60_000)
        colours = start.evaluate("b => [getComputedStyle(b).backgroundColor,"
                                 " getComputedStyle(b.querySelector('p')).color]")
        assert colours[0] != colours[1], colours  # high contrast: the button's words still show
        page.wait_for_timeout(800)
        page.screenshot(path=str(shots / f"today_easier_to_see_{w}.png"), full_page=True)
        ctx.close()
    assert requested and not _outside(requested, url), _outside(requested, url)
