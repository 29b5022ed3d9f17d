"""The caregiver's page in a real headless Chromium (Debian's, driven by Playwright): reached from the
patient's menu, today's plan with "Stand beside them: spotting needed" on the hold and the step-ups
only, caregiver mode switched on and kept in the address. Screenshots at 1280 and 800 px go to
$COACH_TEST_SCREENSHOTS (default: a tmp dir)."""
from __future__ import annotations

from datetime import date

import pytest

from tests.app.browser import CHROMIUM, launch, snap, sqlite_url, streamlit_server
from tests.app.conftest import APP_FILE

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")


def _seed(data) -> None:
    from coach.programme.model import from_dict
    from coach.store import Store

    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=74, condition="stroke", affected_side="right")
        store.save_programme(from_dict({"patient": "P001", "exercise": [
            {"name": "sit-to-stand", "sets": 2, "reps": 8, "routine": "morning"},
            {"name": "single-leg-stance", "reps": 3, "hold_s": 20, "support": "fingertips", "routine": "morning"},
            {"name": "step-up", "reps": 6, "routine": "afternoon"},
        ]}, patient_id="P001"))


def test_the_caregiver_page_in_a_browser(tmp_path_factory, tmp_path, shots):
    data = tmp_path_factory.mktemp("home")
    _seed(data)
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none", "COACH_DATABASE_URL": "",
           "COACH_APP_ROLE": "patient", "COACH_APP_PATIENT": "P001", "COACH_APP_PASSWORD": "",
           "COACH_APP_NOW": f"{date.today().isoformat()}T08:20"}
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url, playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.goto(url)
        link = page.get_by_role("link", name="For the person helping")
        link.wait_for(timeout=60_000)
        link.click()
        page.get_by_text("Caregiver mode: I am beside them").wait_for(timeout=60_000)
        items = page.locator("[data-testid='caregiver-item']")
        # the list renders after the heading (it failed once under load reading an empty page)
        page.wait_for_function("() => document.querySelectorAll(\"[data-testid='caregiver-item']\").length >= 3",
                               timeout=60_000)
        spotted = {" ".join(t.split()).split(" ")[0]: s for t, s in zip(
            items.evaluate_all("els => els.map(e => e.querySelector('h3').textContent)"),
            items.evaluate_all("els => els.map(e => e.dataset.spotting)"))}
        assert spotted == {"Sit": "no", "Standing": "yes", "Step-ups": "yes"}, spotted
        assert page.locator(".coach-spot").first.is_visible()
        page.get_by_text("Caregiver mode: I am beside them").click()
        page.get_by_text("the coach calls you at once").wait_for(timeout=60_000)
        assert "caregiver=on" in page.url
        assert "P001" not in page.content()
        snap(page, shots, "caregiver_view", height=1800)
        ctx.close()
