"""Helpers for the real-browser tests: a Streamlit server on a free local port, a synthetic clip
(MP4 for upload, Y4M for Chromium's fake camera), Chromium found on the system (never downloaded)."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path(os.environ.get("COACH_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--autoplay-policy=no-user-gesture-required"]
FAKE_CAMERA_FLAGS = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(app_file: str, env: dict, log_path: Path, timeout_s: float = 60.0):
    """Yield the base URL of ``streamlit run`` on 127.0.0.1; stop it (and only it) afterwards."""
    port = free_port()
    cmd = [sys.executable, "-m", "streamlit", "run", app_file, "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--server.fileWatcherType", "none"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                                cwd=str(Path(app_file).parent), start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()[-3000:]}")
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start in {timeout_s:.0f} s")
                time.sleep(0.3)
            yield url
        finally:
            try:
                os.killpg(proc.pid, signal.SIGTERM)  # the session this test started, nothing else
                proc.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(proc.pid, signal.SIGKILL)


def make_clip(folder: Path, reps: int = 3, fps: float = 15.0):
    """(mp4 path, y4m path, truth) of a side-view sit-to-stand made by coach.synth."""
    import imageio_ffmpeg

    from coach.synth import ClipSpec, generate, write_clip

    clip = generate(ClipSpec(exercise="sit-to-stand", view="side", reps=reps, fps=fps, start_rest_s=2.0,
                             end_rest_s=1.0))
    mp4 = folder / "sit_to_stand.mp4"
    write_clip(clip, mp4)
    y4m = folder / "sit_to_stand.y4m"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y", "-i", str(mp4),
                    "-pix_fmt", "yuv420p", "-f", "yuv4mpegpipe", str(y4m)], check=True)
    return mp4, y4m, clip.truth


# What a guided test's scorer says when the frames that reached the coach cannot time the test
# (exercises.validated_tests recording_problem): too coarse a timing, the clock jumping where frames
# were lost, too few frames a second. The coach is sent only the frames it has time for, so on a loaded
# machine a browser test can get this answer; it must then also store nothing.
STARVED = re.compile(r"timing is only known to|timestamps jump by|frames per second; the .* needs at least")

SCREEN_WIDTHS = (1280, 800)  # a laptop, and a small tablet


def sqlite_url(data: Path) -> str:
    """The store in an app server's data folder."""
    return f"sqlite:///{data / 'coach.db'}"


def launch(p, profile_parent: Path, extra=(), camera: Path | None = None, **kw):
    """Headless Chromium with a fresh profile; ``camera``: a .y4m played as the webcam."""
    args = [*CHROMIUM_FLAGS, *extra]
    if camera is not None:
        args += [*FAKE_CAMERA_FLAGS, f"--use-file-for-fake-video-capture={camera}"]
    return p.chromium.launch_persistent_context(
        str(profile_parent / f"profile-{time.monotonic_ns()}"), executable_path=str(CHROMIUM), headless=True,
        args=args, viewport={"width": 1280, "height": 1000}, accept_downloads=True, **kw)


def snap(page, folder: Path, name: str, height: int = 2200, settle_ms: int = 700) -> None:
    """Full-page screenshots at each width (the page re-lays itself out between them), and no error
    box on the page. Tall viewports: Streamlit scrolls inside its own container, not the page."""
    for w in SCREEN_WIDTHS:
        page.set_viewport_size({"width": w, "height": height})
        page.wait_for_timeout(settle_ms)
        page.screenshot(path=str(folder / f"{name}_{w}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 1000})
    assert not page.locator("[data-testid='stException']").count()


def press_until(button, expected, wait_ms: int = 20_000, presses: int = 2, last_wait_ms: int = 60_000) -> None:
    """Press ``button`` until ``expected`` (a locator) shows, as a patient presses again when nothing
    happens: pressed again (at most ``presses`` in all) only while ``button`` is still there after
    ``wait_ms``, i.e. the press was dropped (Streamlit redrawing the page it belongs to on a busy
    machine: seen once in a full CI run); a page that is slow to change gets ``last_wait_ms``, and one
    that never shows ``expected`` fails with playwright's timeout."""
    for _ in range(presses - 1):
        button.click()
        try:
            expected.wait_for(timeout=wait_ms)
            return
        except Exception:  # noqa: BLE001 - playwright's TimeoutError
            if not button.is_visible():  # the press was taken: the page is slow, not deaf
                expected.wait_for(timeout=last_wait_ms)
                return
    button.click()
    expected.wait_for(timeout=last_wait_ms)
