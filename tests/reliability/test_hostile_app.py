"""Issue 17, the app's cases: a web page, a stranger on the network or a note in the diary cannot make
the app leak the record or hold the server's memory.

- case 9: uploads only from a session that logged in (where a login exists), capped per session and
  in total, the server's memory back once they are refused or saved;
- case 10: only the app's own host names are answered (DNS rebinding), other sites' Origins refused;
- case 11: what a patient or a file wrote is shown as text, never as markdown or HTML.
"""
from __future__ import annotations

import asyncio
import re
import base64
import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

from tests.app.browser import free_port  # noqa: E402

COACH = str(Path(sys.executable).with_name("coach"))
needs_coach = pytest.mark.skipif(not Path(COACH).exists(), reason="the coach command is not installed")
REBIND = "rebind.attacker.example"
WARM_UP_S = 5.0  # a first session whose page has time to run whole (its imports loaded)


# ---------------------------------------------------------------- a real `coach app` server

def _request(port: int, method: str = "GET", path: str = "/", headers: dict | None = None, body: bytes = b""):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        c.request(method, path, body=body or None, headers=headers or {})
        r = c.getresponse()
        if r.status != 101:
            r.read()
        return r.status, {k.lower(): v for k, v in r.getheaders()}
    finally:
        c.close()


def _wait_healthy(port: int, proc, timeout_s: float = 60.0) -> str:
    """The XSRF cookie the server hands out with its health check."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"coach app exited: {proc.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            status, headers = _request(port, path="/_stcore/health")
            if status == 200:
                cookie = headers.get("set-cookie", "")
                return cookie.split("_streamlit_xsrf=", 1)[1].split(";")[0] if "_streamlit_xsrf=" in cookie else ""
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError("the app did not start")


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def start_app(tmp_path, *args: str, **env_extra: str):
    port = free_port()
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"), "COACH_APP_MODEL": "lite", **env_extra}
    for name in ("COACH_APP_PASSWORD", "COACH_APP_HOSTS", "COACH_DATABASE_URL"):
        if name not in env_extra:
            env.pop(name, None)
    proc = subprocess.Popen([COACH, "app", "--no-browser", "--port", str(port), *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        xsrf = _wait_healthy(port, proc)
    except BaseException:
        stop_app(proc)
        raise
    return proc, port, xsrf


def stop_app(proc) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)  # only the group this test started
        proc.wait(10)


async def _in_session(port: int, xsrf: str, work):
    """Open a browser-like session (its WebSocket stays open) and run ``work(session_id)`` in it."""
    import websockets
    from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2

    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream", max_size=None,
                                  additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"}) as ws:
        back = BackMsg_pb2.BackMsg()
        back.rerun_script.query_string = ""
        await ws.send(back.SerializeToString())
        for _ in range(200):
            msg = ForwardMsg_pb2.ForwardMsg()
            msg.ParseFromString(await ws.recv())
            if msg.WhichOneof("type") == "new_session":
                sid = msg.new_session.initialize.session_id
                return await asyncio.get_running_loop().run_in_executor(None, work, sid)
    raise AssertionError("no session")


def _put(port: int, sid: str, xsrf: str, size: int, file_id: str = "f1") -> int:
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.mp4"\r\n'
            b"Content-Type: video/mp4\r\n\r\n" + b"\0" * size + b"\r\n--b--\r\n")
    status, _ = _request(port, "PUT", f"/_stcore/upload_file/{sid}/{file_id}", body=body,
                         headers={"Content-Type": "multipart/form-data; boundary=b", "X-Xsrftoken": xsrf,
                                  "Cookie": f"_streamlit_xsrf={xsrf}"})
    return status


def _ws_handshake(port: int, host: str, origin: str | None) -> int:
    headers = {"Host": host, "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin:
        headers["Origin"] = origin
    status, _ = _request(port, path="/_stcore/stream", headers=headers)
    return status


# ---------------------------------------------------------------- case 9: uploads

@needs_coach
def test_case9_physio_server_refuses_uploads_from_a_session_that_has_not_logged_in(tmp_path):
    """Before: 4 x 190 MB PUTs from the login page's session were accepted (RSS 198 -> 979 MB). Now
    each is refused before its body is read, and the server's memory does not grow."""
    pytest.importorskip("websockets")
    proc, port, xsrf = start_app(tmp_path, "--physio", COACH_APP_PASSWORD="s3cret-pw", COACH_APP_MAX_UPLOAD_MB="40")
    try:
        # One session first, so the login page's modules are loaded before the measurement: what is
        # measured is what the refused bodies leave behind, not the app's first page.
        asyncio.run(_in_session(port, xsrf, lambda sid: time.sleep(WARM_UP_S)))
        before = _rss_mb(proc.pid)
        statuses = asyncio.run(_in_session(port, xsrf, lambda sid: [_put(port, sid, xsrf, 30 * 2**20, f"f{i}")
                                                                    for i in range(4)]))
        after = _rss_mb(proc.pid)
    finally:
        stop_app(proc)
    assert statuses == [403] * 4
    assert after - before < 40, (before, after)  # not one 30 MB body held


@needs_coach
def test_case9_uploads_are_capped_per_session_and_need_a_declared_size(tmp_path):
    """A session (here the patient's own, no login) may hold one upload of the app's limit, not many:
    before, every PUT under a new file id was kept in memory until the session ended."""
    pytest.importorskip("websockets")
    proc, port, xsrf = start_app(tmp_path, "--patient", "P001", COACH_APP_MAX_UPLOAD_MB="2")

    def work(sid):
        first = _put(port, sid, xsrf, int(1.8 * 2**20), "f1")
        again = _put(port, sid, xsrf, int(1.8 * 2**20), "f1")  # the same file id replaces: allowed
        second = _put(port, sid, xsrf, int(1.8 * 2**20), "f2")  # a second file: over this session's share
        chunked = _request(port, "PUT", f"/_stcore/upload_file/{sid}/f3",
                           headers={"Transfer-Encoding": "chunked", "X-Xsrftoken": xsrf,
                                    "Cookie": f"_streamlit_xsrf={xsrf}"}, body=b"")[0]
        return first, again, second, chunked

    try:
        first, again, second, chunked = asyncio.run(_in_session(port, xsrf, work))
    finally:
        stop_app(proc)
    assert first in (200, 204) and again in (200, 204)
    assert second == 413
    assert chunked == 411


@needs_coach
def test_case9_the_servers_memory_comes_back_when_the_browser_session_ends(tmp_path):
    """Before: a session's uploads stayed in Streamlit's memory after its WebSocket closed, for good
    (a disconnected session that expires is never shut down): 4 x 190 MB, RSS 184 -> 945 MB, still 945."""
    pytest.importorskip("websockets")
    proc, port, xsrf = start_app(tmp_path, "--patient", "P001", COACH_APP_MAX_UPLOAD_MB="80")
    try:
        asyncio.run(_in_session(port, xsrf, lambda sid: time.sleep(8)))  # the page's own imports, first
        time.sleep(2)
        base = _rss_mb(proc.pid)
        status, held = asyncio.run(_in_session(port, xsrf, lambda sid: (_put(port, sid, xsrf, 70 * 2**20),
                                                                        _rss_mb(proc.pid))))
        time.sleep(3)
        after = _rss_mb(proc.pid)
    finally:
        stop_app(proc)
    assert status in (200, 204) and held - base > 60, (base, held)
    assert after - base < 20, (base, held, after)


@pytest.mark.parametrize("role", ["patient", "physio"])
def test_case9_no_upload_widget_before_login(monkeypatch, role):
    """With a password, the login form is all a browser gets: no page, no file uploader."""
    from streamlit.testing.v1 import AppTest

    from tests.app.conftest import APP_FILE

    monkeypatch.setenv("COACH_APP_PASSWORD", "s3cret-pw")
    monkeypatch.setenv("COACH_APP_ROLE", role)
    monkeypatch.setenv("COACH_APP_PATIENT", "P001" if role == "patient" else "")
    at = AppTest.from_file(APP_FILE, default_timeout=60).run()
    assert not at.exception
    assert at.text_input[0].label == "Password" and not at.get("file_uploader")


@needs_coach
def test_case9_a_logged_in_physio_still_uploads_through_the_guard(tmp_path):
    """The browser's own upload (the shared-file import) after login: accepted by the guarded server."""
    from tests.app.browser import CHROMIUM, launch

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    junk = tmp_path / "not-a-bundle.zip"
    junk.write_bytes(b"PK\x03\x04" + b"\0" * 4096)
    proc, port, _ = start_app(tmp_path, "--physio", COACH_APP_PASSWORD="s3cret-pw")
    puts: list[int] = []
    try:
        with sync_api.sync_playwright() as p:
            ctx = launch(p, tmp_path)
            page = ctx.new_page()
            page.on("response", lambda r: puts.append(r.status) if "/_stcore/upload_file/" in r.url
                    and r.request.method == "PUT" else None)
            page.goto(f"http://localhost:{port}")
            page.get_by_label("Password", exact=True).fill("s3cret-pw")
            page.get_by_role("button", name="Log in").click()
            page.get_by_text("Import a patient's shared file").click(timeout=60_000)
            page.locator("input[type=file]").last.set_input_files(str(junk))
            page.get_by_text("The file could not be imported").wait_for(timeout=60_000)
            ctx.close()
    finally:
        stop_app(proc)
    assert puts and all(s in (200, 204) for s in puts), puts


def test_case9_the_ledger_caps_each_session_and_all_together():
    from coach.app.guard import UploadLedger

    ledger = UploadLedger()
    assert ledger.reserve("a", 60, {}, session_cap=100, total_cap=150)
    assert not ledger.reserve("a", 60, {}, session_cap=100, total_cap=150)  # a's share, in flight
    assert ledger.reserve("b", 60, {}, session_cap=100, total_cap=150)
    assert not ledger.reserve("c", 60, {}, session_cap=100, total_cap=150)  # everyone's share
    ledger.release("a", 60)
    assert ledger.reserve("c", 60, {}, session_cap=100, total_cap=150)
    assert ledger.reserve("d", 10, {"b": 200}, session_cap=100, total_cap=1000)  # b's stored files are b's
    assert not ledger.reserve("b", 10, {"b": 95}, session_cap=100, total_cap=1000)  # stored counts too


def test_case9_login_is_remembered_per_live_session_only(monkeypatch):
    from coach.app import auth

    live = {"s1"}
    monkeypatch.setattr(auth, "_active", lambda s: s in live)
    monkeypatch.setattr(auth, "_LOGGED_IN", set())
    assert not auth.logged_in("s1")
    auth.remember_login("s1")
    assert auth.logged_in("s1") and not auth.logged_in("s2")
    live.clear()  # the session ended
    assert not auth.logged_in("s1")
    auth.remember_login("s3")
    assert auth._LOGGED_IN == {"s3"}  # ended sessions are forgotten


# ---------------------------------------------------------------- case 10: DNS rebinding

@needs_coach
def test_case10_patient_app_answers_only_its_own_host_names(tmp_path):
    """Before: Host and Origin rebind.attacker.example got the page and a WebSocket (the diary)."""
    pytest.importorskip("websockets")
    proc, port, _ = start_app(tmp_path, "--patient", "P001")
    try:
        foreign = {"Host": f"{REBIND}:{port}", "Origin": f"http://{REBIND}:{port}"}
        page = _request(port, path="/", headers=foreign)[0]
        health = _request(port, path="/_stcore/health", headers=foreign)[0]
        ws_rebound = _ws_handshake(port, f"{REBIND}:{port}", f"http://{REBIND}:{port}")
        ws_foreign_origin = _ws_handshake(port, f"127.0.0.1:{port}", f"http://{REBIND}:{port}")
        own_page = _request(port, path="/", headers={"Host": f"localhost:{port}"})[0]
        own_ws = _ws_handshake(port, f"localhost:{port}", f"http://localhost:{port}")
    finally:
        stop_app(proc)
    assert page == 400 and health == 400
    assert ws_rebound in (400, 403) and ws_foreign_origin == 403
    assert own_page == 200 and own_ws == 101


@needs_coach
def test_case10_a_clinic_names_its_host(tmp_path):
    proc, port, _ = start_app(tmp_path, "--physio", "--host-name", "coach.clinic.example",
                              COACH_APP_PASSWORD="s3cret-pw")
    try:
        clinic = _request(port, path="/", headers={"Host": "coach.clinic.example"})[0]
        other = _request(port, path="/", headers={"Host": REBIND})[0]
    finally:
        stop_app(proc)
    assert clinic == 200 and other == 400


def test_case10_host_and_origin_names_are_parsed_strictly():
    from coach.app.guard import allowed_hosts, host_name, origin_name, same_origin

    assert host_name("LocalHost:8501") == "localhost" and host_name("[::1]:8501") == "::1"
    assert host_name("127.0.0.1") == "127.0.0.1" and host_name("") is None and host_name("a@b:1") == "b"
    assert origin_name("null") is None and origin_name("file://x") is None
    assert origin_name("http://coach.clinic.example.:443") == "coach.clinic.example"
    assert same_origin("http://localhost:8501", "localhost:8501") and same_origin("https://a.example", "a.example")
    assert not same_origin("http://localhost:9999", "localhost:8501")  # another program on this computer
    assert not same_origin("null", "localhost:8501") and not same_origin("http://127.0.0.1:8501", "localhost:8501")
    hosts = allowed_hosts({"COACH_APP_HOSTS": "Coach.Clinic.Example, 0.0.0.0,"})
    assert hosts == {"localhost", "127.0.0.1", "::1", "coach.clinic.example"}


# ---------------------------------------------------------------- case 11: user text is text

HOSTILE_NOTE = ("Fell at the door ![x](http://127.0.0.1:{port}/beacon.png) "
                "[Click to log in again](http://127.0.0.1:{port}/login) <img src=x onerror=alert(1)> **bold**")


def test_case11_user_text_escapes_markdown_and_html():
    from coach.app.user_text import html_text, plain

    shown = plain(HOSTILE_NOTE.format(port=9))
    for raw in ("![x](", " [Click", " <img", "**bold**"):  # each only with its backslashes
        assert raw not in shown
    assert "\\<img" in shown and "\\[Click to log in again\\]" in shown and "\\!\\[x\\]" in shown
    assert plain("Line 1\nLine 2") == "Line 1  \nLine 2"
    assert plain(None) == "" and plain("Ann's $5 ~ fine (10-15).") == "Ann's \\$5 \\~ fine (10-15)."
    assert plain("- item\n1. one\nsee http://x.example or www.x.example, a@x.example") == \
        "\\- item  \n1\\. one  \nsee http:\u200b//x.example or www\u200b.x.example, a\u200b@x.example"
    assert html_text("<b>Ann & Bob</b>") == "&lt;b&gt;Ann &amp; Bob&lt;/b&gt;"



@pytest.fixture
def beacon():
    """A local web server that notes every request: where the hostile note's image and link point."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the standard library's name
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()
    server.server_close()


def test_case11_a_hostile_diary_note_is_text_on_the_physios_pages(tmp_path, beacon):
    """Before: the fall note's image was fetched by the physio's browser and its link shown. Now the
    Patients page (falls warning, newest clip) and the review's diary show the note's words only."""
    from datetime import date

    from tests.app.browser import CHROMIUM, launch, sqlite_url, streamlit_server
    from tests.app.conftest import APP_FILE

    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed")
    sync_api = pytest.importorskip("playwright.sync_api")
    from coach.pose.frame import PoseSeries
    from coach.store import DiaryEntry, Store
    from tests.store.factories import make_frames, seed_history

    port, hits = beacon
    note = HOSTILE_NOTE.format(port=port) + f" http://127.0.0.1:{port}/bare www.beacon.example a@beacon.example"
    data = tmp_path / "clinic"
    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=70, condition="parkinsons")
        seed_history(store, "P001")
        store.save_diary_entry(DiaryEntry("P001", date.today(), falls=1, note=note))
        store.save_clip("P001", note=note, duration_s=2.0, track=PoseSeries.from_frames(make_frames(0.0, 60)))
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none",
           "COACH_DATABASE_URL": "", "COACH_APP_ROLE": "physio", "COACH_APP_PASSWORD": "physio-test-pw"}
    links_js = ("() => [...document.querySelectorAll(\"[data-testid='stMain'] a, [data-testid='stMain'] img\")]"
                ".map(e => e.href || e.src).filter(u => u.includes('127.0.0.1:" + str(port) + "') || "
                "u.includes('beacon'))")
    requested: list[str] = []
    with streamlit_server(APP_FILE, env, tmp_path / "streamlit.log") as url, sync_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.on("request", lambda r: requested.append(r.url))
        page.goto(url)
        page.get_by_label("Password", exact=True).fill("physio-test-pw")
        page.get_by_role("button", name="Log in").click()
        alert = page.locator("[data-testid='stAlertContentWarning']", has_text="Click to log in again")
        alert.wait_for(timeout=60_000)
        clip_line = page.locator("p", has_text="Clips from the patient:")
        clip_line.wait_for(timeout=30_000)
        page.wait_for_timeout(1_500)
        on_patients = page.evaluate(links_js)
        alert_text, clip_text = alert.inner_text(), clip_line.inner_text()
        page.get_by_role("link", name="Session review").click()
        page.get_by_role("tab", name=re.compile("Diary")).click(timeout=30_000)
        page.get_by_text("Tiredness and pain, day by day").wait_for(timeout=30_000)
        page.wait_for_timeout(1_500)
        on_review = page.evaluate(links_js)
        review_text = page.locator("[data-testid='stMain']").inner_text()
        ctx.close()
    assert not hits and not [u for u in requested if f":{port}/" in u or "beacon" in u], (hits, requested)
    assert on_patients == [] and on_review == []
    for shown in (alert_text, clip_text):
        shown = shown.replace("\u200b", "")  # what breaks bare links up
        assert "![x](" in shown and "[Click to log in again](" in shown and "<img src=x" in shown, shown
    assert "[Click to log in again](" in review_text.replace("\u200b", "")
