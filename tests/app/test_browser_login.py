"""Issue 18 item 10: reloading the page no longer logs the physio out (a login token in a cookie the
server keeps in memory), while a browser that never logged in still gets the login form."""
from __future__ import annotations

import pytest

from coach.app import auth
from tests.app.browser import CHROMIUM, launch, streamlit_server
from tests.app.conftest import APP_FILE

PASSWORD = "reload-s3cret"


def test_a_token_is_valid_for_its_hours_only_and_an_unknown_one_never():
    token = auth.new_token(now=1000.0)
    assert auth.token_valid(token, now=1000.0 + auth.TOKEN_TTL_S - 1)
    assert not auth.token_valid(token, now=1000.0 + auth.TOKEN_TTL_S + 1)
    assert not auth.token_valid("guessed", now=1000.0) and not auth.token_valid(None)


@pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed")
def test_reloading_keeps_the_physio_logged_in(tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")
    env = {"COACH_DATA_DIR": str(tmp_path / "clinic"), "COACH_DATABASE_URL": "", "COACH_APP_ROLE": "physio",
           "COACH_APP_PASSWORD": PASSWORD, "COACH_APP_VOICE": "none"}
    with streamlit_server(APP_FILE, env, tmp_path / "streamlit.log") as url, sync_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.goto(url)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Import a patient's shared file").wait_for(timeout=30_000)
        page.wait_for_function("() => document.cookie.includes('coach_login=')", timeout=30_000)
        page.reload()
        page.get_by_text("Import a patient's shared file").wait_for(timeout=30_000)
        assert not page.get_by_label("Password", exact=True).count()
        ctx.close()
        other = launch(p, tmp_path)  # another browser: no cookie, the login form
        page = other.new_page()
        page.goto(url)
        page.get_by_label("Password", exact=True).wait_for(timeout=30_000)
        assert not page.get_by_text("Import a patient's shared file").count()
        other.close()
