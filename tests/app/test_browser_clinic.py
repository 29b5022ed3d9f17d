"""Issue 19 in a real headless Chromium: a paired patient laptop and the clinic.

The patient's diary with a fall, saved while the clinic's API is away, says it goes with the next
sync and never "Sent"; once the API is back, the laptop's own background sync delivers it and the
same page (no reload) says "Sent to your physiotherapist at HH:MM". The physio logs in by name
(an account, no shared password), sees the fall first under "Needs attention" with its day, marks it
seen (kept with who), makes a pairing code (with its QR), and the audit log has the login and the
mark. Screenshots at 1280 and 800 px go to $COACH_TEST_SCREENSHOTS (default: a tmp dir)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.app.browser import CHROMIUM, launch, snap, sqlite_url, streamlit_server
from tests.app.conftest import APP_FILE
from tests.sync.api_server import ApiServer

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")

USER, PASSWORD = "anna", "anna-physio-pw-1"
FALL_NOTE = "slipped by the bed"


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    """The clinic (store, API, physio app with a named account) and P001's paired laptop (patient app)."""
    from coach.programme.model import Programme, ProgrammeExercise
    from coach.store import Store
    from coach.sync import accounts, client
    from coach.sync import clinic as clinic_side

    clinic_dir, laptop_dir = tmp_path_factory.mktemp("clinic"), tmp_path_factory.mktemp("laptop")
    clinic = Store.open(sqlite_url(clinic_dir))
    clinic.add_patient("P001", age=72, sex="female", condition="stroke", affected_side="left")
    clinic.save_programme(Programme("P001", (ProgrammeExercise("sit-to-stand", sets=2, reps=5),), author="anna"))
    accounts.add_physio(clinic, USER, PASSWORD, "Anna B.")
    api = ApiServer(clinic)
    api.start()
    with Store.open(sqlite_url(laptop_dir)) as laptop:
        client.pair(laptop, api.url, clinic_side.make_pairing_code(clinic, "P001", by=USER), "kitchen laptop")
    api.stop()  # the clinic is away when the patient writes the diary
    common = {"COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none", "COACH_DATABASE_URL": "", "COACH_APP_PASSWORD": ""}
    physio_env = {**common, "COACH_DATA_DIR": str(clinic_dir), "COACH_APP_ROLE": "physio"}
    patient_env = {**common, "COACH_DATA_DIR": str(laptop_dir), "COACH_APP_ROLE": "patient", "COACH_APP_PATIENT": "P001"}
    try:
        with streamlit_server(APP_FILE, patient_env, laptop_dir / "streamlit.log") as patient_url, \
                streamlit_server(APP_FILE, physio_env, clinic_dir / "streamlit.log") as physio_url:
            yield {"clinic": clinic, "api": api, "patient": patient_url, "physio": physio_url, "laptop": laptop_dir}
    finally:
        api.stop()
        clinic.close()


def test_sent_only_after_delivery_then_the_fall_first_for_the_physio(service, tmp_path, shots):
    from coach.sync import accounts, alerts

    clinic, api = service["clinic"], service["api"]
    today = date.today()
    requested = []
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(f"{service['patient']}/diary")
        page.get_by_text("How tired are you today?").wait_for(timeout=60_000)
        box = page.get_by_label("Falls", exact=True)
        box.fill("1")
        box.press("Enter")
        page.wait_for_timeout(500)
        page.get_by_label("Anything else for your physiotherapist? (optional)").fill(FALL_NOTE)
        page.wait_for_timeout(300)
        page.get_by_role("button", name="Save today's diary").click()
        line = page.get_by_test_id("delivery")
        line.wait_for(timeout=30_000)
        assert "with the next sync" in line.inner_text()
        page.wait_for_timeout(6_000)  # the laptop has tried (the clinic is away): still not "Sent"
        assert "Sent" not in line.inner_text() and "Sent to your physiotherapist" not in page.content()
        assert not [d for d in clinic.diary_entries("P001") if d.day == today]
        snap(page, shots, "patient_diary_waiting", settle_ms=800)

        api.start()  # the clinic is back: the laptop's own retry delivers it, the page says so by itself
        page.get_by_text(re.compile(r"Sent to your physiotherapist at \d\d:\d\d")).wait_for(timeout=90_000)
        [entry] = [d for d in clinic.diary_entries("P001") if d.day == today]
        assert entry.falls == 1 and entry.note == FALL_NOTE
        snap(page, shots, "patient_diary_sent", settle_ms=800)

        page.goto(f"{service['patient']}/share")
        page.get_by_text("Connect to my clinic").wait_for(timeout=30_000)
        # the sentence below the heading can render a moment after it: wait for it, not for the heading
        page.get_by_text(re.compile("sends your exercise record to your clinic by itself")).wait_for(timeout=30_000)
        snap(page, shots, "patient_share_connected", settle_ms=800)
        ctx.close()

        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(service["physio"])
        page.get_by_label("Username").wait_for(timeout=60_000)
        snap(page, shots, "physio_named_login", settle_ms=800)
        page.get_by_label("Username").fill(USER)
        page.get_by_label("Password", exact=True).fill("not the password")
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("That username or password is not right.").wait_for(timeout=30_000)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        attention = page.locator(".st-key-needs_attention")
        attention.get_by_text("Needs attention").wait_for(timeout=60_000)
        first = attention.locator("[data-testid='stMarkdownContainer']").nth(1).inner_text()
        assert f"1 fall on {alerts.day_words(today)} (diary)" in first and FALL_NOTE in first, first
        snap(page, shots, "physio_needs_attention", settle_ms=800)

        page.get_by_text("The patient's laptop: pairing and sync").click(timeout=30_000)
        page.get_by_text("kitchen laptop").wait_for(timeout=30_000)
        page.get_by_role("button", name="Make a pairing code").click()
        code = page.get_by_test_id("pairing-code")
        code.wait_for(timeout=30_000)
        assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code.inner_text().strip())
        snap(page, shots, "physio_pairing_code", settle_ms=800)

        attention.get_by_role("button", name="Open").first.click()  # the alert's patient on the review
        page.get_by_role("tab", name=re.compile(r"Diary \(1 day\)")).click(timeout=30_000)
        page.get_by_text(FALL_NOTE).first.wait_for(timeout=30_000)
        page.get_by_role("link", name="Patients").click()
        page.get_by_text("Import a patient's shared file").wait_for(timeout=30_000)  # the page's run is over
        page.wait_for_timeout(1_500)
        attention.get_by_role("button", name="Mark seen").first.click()
        page.wait_for_timeout(1_500)
        page.get_by_text("Alerts already seen (1)").wait_for(timeout=30_000)
        assert f"1 fall on {alerts.day_words(today)}" not in attention.inner_text()
        ctx.close()
    [seen] = [a for a in alerts.for_patient(clinic, "P001") if a.kind == "fall"]
    assert seen.seen_by == USER
    log = [(r["who"], r["action"]) for r in accounts.audit_log(clinic)]
    assert (USER, "login") in log and (USER, "alert_seen") in log and (USER, "view") in log
    outside = [u for u in requested if not u.startswith(("http://127.0.0.1", "data:", "blob:", "about:"))]
    assert not outside, outside[:5]
