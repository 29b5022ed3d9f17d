"""App tests: a private data directory and database per test, the server bound to localhost
(as ``.streamlit/config.toml`` and ``coach app`` do), and page scripts for AppTest."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

REPO = Path(__file__).resolve().parents[2]
APP_FILE = str(REPO / "streamlit_app.py")


@pytest.fixture(autouse=True)
def app_env(tmp_path, monkeypatch):
    from streamlit import config

    data = tmp_path / "data"
    monkeypatch.setenv("COACH_DATA_DIR", str(data))
    for name in ("COACH_DATABASE_URL", "COACH_APP_PASSWORD", "COACH_APP_MAX_UPLOAD_MB", "COACH_APP_ROLE",
                 "COACH_APP_PATIENT"):
        monkeypatch.delenv(name, raising=False)
    from coach.app.pages import upload
    from coach.app.throttle import THROTTLE

    upload.jobs.clear()  # background analyses are per server process: none carried between tests
    THROTTLE._clients.clear()
    monkeypatch.setenv("COACH_APP_MODEL", "lite")
    monkeypatch.setenv("COACH_APP_VOICE", "none")
    old = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield data
    config.set_option("server.address", old)


def page_script(module: str) -> str:
    return (f"from coach.app import ui\nui.apply_style()\n"
            f"from coach.app.pages import {module}\n{module}.render()\n")


def run_page(module: str, state: dict | None = None, timeout: float = 30):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string(page_script(module), default_timeout=timeout)
    for k, v in (state or {}).items():
        at.session_state[k] = v
    return at.run()


def wait_for_job(owner: str = "practice", timeout_s: float = 120.0):
    """The upload page's background analysis for ``owner``, once it has finished."""
    import time

    from coach.app.pages import upload

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = upload.jobs().get(owner)
        if job is not None and job.finished:
            return job
        time.sleep(0.2)
    raise AssertionError(f"the analysis of {owner} did not finish in {timeout_s:.0f} s")


def no_exception(at) -> None:
    assert not at.exception, [e.message for e in at.exception]


@pytest.fixture
def seeded_store(app_env):
    """P001 (female, 72, stroke) with a programme, six sit-to-stand sessions with faults and tests,
    and one short session with a landmark track (no video) for the replay."""
    from coach.store import Store
    from tests.store.factories import make_frames, make_rep, seed_history

    with Store.open() as store:
        store.add_patient("P001", age=72, sex="female", condition="stroke", affected_side="left")
        store.add_patient("P002", age=80, sex="male", condition="Parkinson's", video_opt_in=True)
        seed_history(store, "P001")
        rec = store.start_session("P001", "sit-to-stand", "camera:0", {"model": "lite"})
        rec.start_set(3)
        for i in (1, 2, 3):
            rec.add_rep(make_rep(i, faults=("trunk_flexion",) if i == 2 else ()))
        rec.add_poses(make_frames(2.0, n=60))
        rec.end_set()
        rec.finish()
        yield {"replay_session": rec.session_id}


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    """Where the browser tests' screenshots go: $COACH_TEST_SCREENSHOTS, else a fresh tmp folder."""
    folder = Path(os.environ.get("COACH_TEST_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def home(app_env, monkeypatch):
    """P001 (70, Parkinson's) on this laptop, no programme: the diary and clip pages' patient. Browser
    test modules define their own module-wide ``home`` server, which takes precedence there."""
    from coach.store import Store

    monkeypatch.setenv("COACH_APP_PATIENT", "P001")
    with Store.open() as store:
        store.add_patient("P001", age=70, condition="parkinsons")
        yield store
