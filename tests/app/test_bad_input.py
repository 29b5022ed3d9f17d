"""Bad uploads get a clear message and write nothing outside the data directory; patient data is
never shown to a remote browser without the password; ``coach app`` refuses to listen remotely
without one."""
from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tests.app.conftest import APP_FILE, no_exception, run_page, wait_for_job


def _outside(root: Path, data: Path) -> set[str]:
    """Every path under ``root`` except the data directory and what is in it."""
    return {str(p) for p in root.rglob("*") if p != data and data not in p.parents}


@pytest.fixture
def tiny_video(tmp_path) -> bytes:
    from tests.conftest import write_noise_video

    return write_noise_video(tmp_path / "room.mp4", frames=8, size=(160, 120)).read_bytes()


@pytest.mark.parametrize("name, content, message", [
    ("notes.txt", b"hello, not a video", "does not look like a video"),
    ("clip.mp4", b"PK\x03\x04 this is a zip file really" * 10, "not a video the coach can read"),
    ("empty.mp4", b"", "empty"),
    ("broken.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200, "could not be read"),
])
def test_upload_rejects_what_is_not_a_video(app_env, tmp_path, name, content, message):
    outside = tmp_path.parent
    before = _outside(outside, app_env)
    at = run_page("upload")
    at.file_uploader[0].upload(name, content, "video/mp4").run()  # type: ignore[attr-defined]
    no_exception(at)
    assert any(message in e.value for e in at.error), [e.value for e in at.error]
    from coach.app.pages import upload

    assert upload.jobs().get("practice") is None  # nothing was analysed
    assert _outside(outside, app_env) - before == set()  # nothing new outside the data dir
    uploads = app_env / "app" / "uploads"
    assert not any(p.is_file() for p in uploads.rglob("*")) if uploads.exists() else True


def test_upload_too_large_is_refused_before_writing(app_env, monkeypatch, tiny_video):
    monkeypatch.setenv("COACH_APP_MAX_UPLOAD_MB", "0.001")  # about 1 kB
    at = run_page("upload")
    at.file_uploader[0].upload("big.mp4", tiny_video, "video/mp4").run()  # type: ignore[attr-defined]
    no_exception(at)
    assert any("too large" in e.value and "limit" in e.value for e in at.error)
    assert not (app_env / "app" / "uploads").exists() or not any((app_env / "app" / "uploads").rglob("*.mp4"))


def test_hostile_file_name_stays_inside_the_data_dir(app_env, tmp_path, tiny_video):
    hostile = "../../etc/x.mp4"
    at = run_page("upload", timeout=60)
    at.file_uploader[0].upload(hostile, tiny_video, "video/mp4").run()  # type: ignore[attr-defined]
    no_exception(at)
    job = wait_for_job()
    at.run()
    no_exception(at)
    assert not (tmp_path.parent / "etc").exists() and not (app_env.parent / "etc").exists()
    assert job.name == "x.mp4"
    video = job.result.annotated_video
    assert app_env.resolve() in video.resolve().parents
    assert any("nobody was found" in w.value for w in at.warning)
    assert not any((app_env / "app" / "uploads").rglob("video.mp4"))  # the original is not kept


def test_upload_names_are_cleaned():
    from coach.app.uploads import UploadRejected, check, display_name

    assert display_name("../../etc/x.mp4") == "x.mp4"
    assert display_name("..\\..\\win\\évil name;rm -rf.mp4") == "vil_name_rm_-rf.mp4"
    assert display_name("..") == "video"
    with pytest.raises(UploadRejected, match="does not look like a video"):
        check("x.exe", 10, b"MZ", 1000)


def test_remote_browser_gets_a_login_and_no_data(app_env, monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    from coach.store import Store

    with Store.open() as store:
        store.add_patient("SECRET01")
    config.set_option("server.address", "0.0.0.0")
    monkeypatch.setenv("COACH_APP_PASSWORD", "correct horse")
    at = AppTest.from_file(APP_FILE, default_timeout=30).run()
    no_exception(at)
    assert at.text_input and at.text_input[0].label == "Password"
    assert "SECRET01" not in str(at._tree)
    at.text_input[0].input("wrong")
    at.get("form_submit_button")[0].click().run()  # type: ignore[index]
    assert any("not right" in e.value for e in at.error)
    assert "SECRET01" not in str(at._tree)
    at.text_input[0].input("correct horse")
    at.get("form_submit_button")[0].click().run()  # type: ignore[index]
    no_exception(at)
    assert any("Today" in m.value for m in at.markdown)


def test_remote_without_a_password_shows_nothing(app_env, monkeypatch):
    from streamlit import config
    from streamlit.testing.v1 import AppTest

    config.set_option("server.address", "0.0.0.0")
    at = AppTest.from_file(APP_FILE, default_timeout=30).run()
    assert any("needs a password" in e.value for e in at.error)
    assert not at.text_input and not any("Today" in m.value for m in at.markdown)


def _settings(**kw):
    from coach.app.settings import AppSettings

    base = dict(data_dir=Path("."), database_url=None, password=None, max_upload_mb=200, model="lite")
    return AppSettings(**{**base, **kw})


@pytest.mark.parametrize("server, headers, password, role, needed", [
    ("127.0.0.1", {}, None, "patient", False),  # the patient's own laptop
    ("localhost", {}, None, "patient", False), ("::1", {}, None, "patient", False),
    # a reverse proxy on the same host: the peer is 127.0.0.1, but it is not this computer's user
    ("127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, None, "patient", True),
    ("127.0.0.1", {"forwarded": "for=203.0.113.9"}, None, "patient", True),
    ("127.0.0.1", {}, "pw", "patient", True),  # a password set: every session logs in
    ("127.0.0.1", {}, None, "physio", True),  # the physio's pages: always behind the password
    (None, {}, None, "patient", True), ("", {}, None, "patient", True), ("0.0.0.0", {}, None, "patient", True),
])
def test_login_rules_never_trust_the_peer_address(server, headers, password, role, needed):
    from coach.app.auth import login_required

    assert login_required(_settings(password=password, role=role), server, headers) is needed


def test_failed_logins_are_throttled_per_client_not_per_session():
    from coach.app.auth import client_key
    from coach.app.throttle import FREE_TRIES, LoginThrottle

    now = [0.0]
    t = LoginThrottle(clock=lambda: now[0])
    proxy_a = client_key("127.0.0.1", {"x-forwarded-for": "198.51.100.7"})
    proxy_b = client_key("127.0.0.1", {"x-forwarded-for": "10.9.9.9, 198.51.100.8"})  # first hop is the client's claim
    assert (proxy_a, proxy_b) == ("198.51.100.7", "198.51.100.8")
    assert client_key("192.0.2.5", {"x-forwarded-for": "1.2.3.4"}) == "192.0.2.5"  # not via a local proxy: ignored
    for _ in range(FREE_TRIES):
        assert t.failed(proxy_a) == 0.0
    assert t.failed(proxy_a) > 0 and t.wait_s(proxy_a) > 0  # a new tab (session) changes nothing: same key
    assert t.wait_s(proxy_b) == 0.0  # another client is not locked out
    waits = [t.failed(proxy_a) for _ in range(3)]
    assert waits == sorted(waits) and waits[-1] > waits[0]  # each failure doubles the wait
    now[0] += 10_000
    assert t.wait_s(proxy_a) == 0.0
    t.succeeded(proxy_a)
    assert t.failed(proxy_a) == 0.0  # a success resets the count


def test_coach_app_binds_to_localhost_and_needs_a_password_elsewhere(monkeypatch):
    from coach.cli import build_parser
    from coach.commands import app

    args = build_parser().parse_args(["app", "--no-browser"])
    cmd = app.command(args)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("run") + 1].endswith("coach_server.py")  # streamlit_app.py behind the guard
    app.check(args, env={})
    remote = argparse.Namespace(address="0.0.0.0", port=8501, no_browser=True, physio=False, patient=None)
    with pytest.raises(ValueError, match="COACH_APP_PASSWORD"):
        app.check(remote, env={})
    app.check(remote, env={"COACH_APP_PASSWORD": "x"})


def test_config_file_binds_to_localhost():
    import tomllib

    config = tomllib.loads((Path(APP_FILE).parent / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
