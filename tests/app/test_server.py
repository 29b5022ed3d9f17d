"""``coach app`` as a process: the server it starts refuses uploads over the app's limit (before
holding them in memory), a busy port is one line, and stopping ``coach app`` stops its server."""
from __future__ import annotations

import asyncio
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.app.browser import free_port
from tests.app.conftest import APP_FILE

COACH = str(Path(sys.executable).with_name("coach"))
pytestmark = pytest.mark.skipif(not Path(COACH).exists(), reason="the coach command is not installed")


def _wait_healthy(port: int, timeout_s: float = 60.0) -> str:
    """The XSRF cookie the server hands out with its health check."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/_stcore/health")
            r = c.getresponse()
            r.read()
            cookies = [v for k, v in r.getheaders() if k.lower() == "set-cookie" and "_streamlit_xsrf" in v]
            return cookies[0].split(";")[0].split("=", 1)[1] if cookies else ""
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the app did not start")


@pytest.fixture
def coach_app(tmp_path):
    port = free_port()
    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data"), "COACH_APP_MAX_UPLOAD_MB": "1",
           "COACH_APP_MODEL": "lite"}
    env.pop("COACH_APP_PASSWORD", None)
    proc = subprocess.Popen([COACH, "app", "--no-browser", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        xsrf = _wait_healthy(port)
        yield proc, port, xsrf, env
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # only the group this test started
            proc.wait(10)


async def _with_session(port: int, xsrf: str, work):
    """Open a browser-like session (the WebSocket stays open) and run ``work(session_id)``."""
    import websockets
    from streamlit.proto import BackMsg_pb2, ForwardMsg_pb2

    async with websockets.connect(f"ws://127.0.0.1:{port}/_stcore/stream",
                                  additional_headers={"Cookie": f"_streamlit_xsrf={xsrf}"}) as ws:
        back = BackMsg_pb2.BackMsg()
        back.rerun_script.query_string = ""
        await ws.send(back.SerializeToString())
        for _ in range(50):
            msg = ForwardMsg_pb2.ForwardMsg()
            msg.ParseFromString(await ws.recv())
            if msg.WhichOneof("type") == "new_session":
                return work(msg.new_session.initialize.session_id)
    raise AssertionError("no session")


def _put(port: int, sid: str, xsrf: str, size: int) -> int:
    body = (b'--b\r\nContent-Disposition: form-data; name="file"; filename="x.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
            + b"\0" * size + b"\r\n--b--\r\n")
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request("PUT", f"/_stcore/upload_file/{sid}/f1", body=body,
              headers={"Content-Type": "multipart/form-data; boundary=b", "X-Xsrftoken": xsrf,
                       "Cookie": f"_streamlit_xsrf={xsrf}"})
    r = c.getresponse()
    r.read()
    return r.status


def test_the_server_refuses_uploads_over_the_apps_limit(coach_app):
    """Anyone who reaches the login page has a session; what it may upload is capped by the app's
    limit (1 MB here), not Streamlit's 200 MB default or the old 1 GB."""
    pytest.importorskip("websockets")
    _, port, xsrf, _ = coach_app
    small, big = asyncio.run(_with_session(port, xsrf, lambda sid: (_put(port, sid, xsrf, 200_000),
                                                                     _put(port, sid, xsrf, 3 * 2**20))))
    assert small in (200, 204)  # under the limit: accepted
    assert big == 413  # over it: refused by the server itself


def test_a_busy_port_is_one_line_and_stopping_coach_app_stops_the_server(coach_app):
    proc, port, _, env = coach_app
    busy = subprocess.run([COACH, "app", "--no-browser", "--port", str(port)], env=env, capture_output=True,
                          text=True, timeout=60)
    assert busy.returncode == 2
    lines = busy.stderr.strip().splitlines()
    assert len(lines) == 1 and f"port {port}" in lines[0] and "already in use" in lines[0]
    proc.send_signal(signal.SIGTERM)  # to coach app's own pid: it is the server (exec)
    assert proc.wait(timeout=20) in (0, -signal.SIGTERM)  # uvicorn re-raises SIGTERM after shutting down
    time.sleep(0.5)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing left listening


def test_config_upload_limit_is_the_apps_default_and_coach_app_passes_it(monkeypatch):
    import tomllib

    from coach.app.settings import DEFAULT_MAX_UPLOAD_MB
    from coach.cli import build_parser
    from coach.commands import app

    config = tomllib.loads((Path(APP_FILE).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] == DEFAULT_MAX_UPLOAD_MB
    args = build_parser().parse_args(["app", "--no-browser"])
    cmd = app.command(args, env={"COACH_APP_MAX_UPLOAD_MB": "50"})
    assert cmd[cmd.index("--server.maxUploadSize") + 1] == "50"
    assert app.environment(build_parser().parse_args(["app", "--physio"]), env={})["COACH_APP_ROLE"] == "physio"
    assert app.environment(build_parser().parse_args(["app", "--patient", "P7"]), env={})["COACH_APP_PATIENT"] == "P7"
    with pytest.raises(ValueError, match="password"):
        app.check(build_parser().parse_args(["app", "--physio"]), env={})
