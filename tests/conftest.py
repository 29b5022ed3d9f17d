"""Shared fixtures: small videos made on the fly (never our own output as truth)."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from coach.pose.model_files import ModelError, model_path
from coach.video_writer import BrowserVideoWriter


def require_model(name: str) -> None:
    """Skip (with the fix in the reason) when a pose model bundle is missing or damaged."""
    try:
        model_path(name)
    except ModelError as exc:
        pytest.skip(str(exc))


def write_noise_video(path: Path, frames: int = 30, size=(320, 240), fps: float = 30.0, seed: int = 0) -> Path:
    """A room with nobody in it: a gradient wall plus sensor noise."""
    rng = np.random.default_rng(seed)
    w, h = size
    wall = np.tile(np.linspace(60, 160, w, dtype=np.uint8), (h, 1))
    with BrowserVideoWriter(path, fps, size) as writer:
        for _ in range(frames):
            img = cv2.merge([wall, wall, wall]).astype(np.int16) + rng.integers(-8, 8, (h, w, 3))
            writer.write(np.clip(img, 0, 255).astype(np.uint8))
    return path


@pytest.fixture(scope="session")
def empty_room_video(tmp_path_factory) -> Path:
    return write_noise_video(tmp_path_factory.mktemp("videos") / "empty_room.mp4", frames=45)


# --- cost markers --------------------------------------------------------------------------------
# Every test gets one cost marker from what its module uses, so `pytest -m fast` runs the logic
# tests alone (the quick loop while working) and nothing has to remember to mark itself:
#   browser  - a real headless Chromium against the app
#   model    - the MediaPipe pose model, a whole `coach` process, or a Streamlit app run
#   postgres - the PostgreSQL variant of a store test
#   slow     - otherwise fast by the scan, but measured at 0.4 s or more (tests/slow_tests.txt,
#              refreshed by scripts/measure_test_costs.sh; a line without [...] covers every case)
#   fast     - pure logic on landmark sequences, small files and SQLite
_BROWSER = ("tests.app.browser", "from tests.app import browser", "playwright", "chromium")
_MODEL = ("PoseEstimator", "analyze_video", "\"coach.cli\"", "'coach.cli'", "coach.synth\"", "run_live_on_file",
          "require_model", "tug_estimator", "build_runner", "AppTest", "mediapipe", "LivePoseEstimator",
          "streamlit_app", "start_app", "coach_server")
_COSTS = {"fast": "pure logic: landmark sequences, small files, SQLite (pytest -m fast: the quick loop)",
          "model": "runs the pose model, a whole coach process or a Streamlit app",
          "browser": "drives a headless Chromium against the app",
          "postgres": "a store test on PostgreSQL",
          "slow": "logic, but measured at 0.4 s or more (tests/slow_tests.txt)"}
SLOW_LIST = Path(__file__).with_name("slow_tests.txt")


def pytest_configure(config) -> None:
    for name, what in _COSTS.items():
        config.addinivalue_line("markers", f"{name}: {what}")
    _lower_priority_of_a_compute_lane()


def _module_cost(path: Path, seen: dict) -> str:
    if path not in seen:
        text = path.read_text(encoding="utf-8", errors="replace")
        seen[path] = ("browser" if any(s in text for s in _BROWSER)
                      else "model" if any(s in text for s in _MODEL) else "fast")
    return seen[path]


def _measured_slow() -> set[str]:
    import os

    if os.environ.get("COACH_IGNORE_SLOW_LIST") or not SLOW_LIST.exists():
        return set()
    return {line.strip() for line in SLOW_LIST.read_text().splitlines() if line.strip() and not line.startswith("#")}


# --- workers (pytest-xdist: `-n auto` in pyproject.toml, which is the usable cores + 1) -------------
# Two kinds of lane. A browser test mostly waits: the fake camera plays in real time while Chromium,
# the app's server and the pose model use about half a core; so does a live loop fed a clip in real
# time. So with 3 or more workers the first half (rounded down) are real-time lanes (those tests
# first, then anything left) and the rest are compute lanes (everything else first) at a lower CPU
# priority (``os.nice``): they fill the cores the real-time lanes leave idle and mostly give way when
# a real-time test needs one. Not all the way: at nice 10 a compute lane starved for over 10 s while
# two browser modules ran (a store test's write timed out), so the weight is about 3:1.
# Measured on 2 cores (fresh clones, whole `.ci/run`, 2026-12-04): -n 2 (no lanes; both workers ran
# browser modules side by side, the machine ~25% idle) 862 s with one real-time browser test failing;
# -n 3 (one real-time lane, two compute lanes) 734 s, green, ~10% idle (set-up and the last minute).
# Earlier, on a slower 2-core machine, -n 4 (two real-time lanes) took 24-25 min and two browser tests
# missed their timing in each of two runs: one real-time lane per two cores is the rule.
# Tests go one by one to whichever worker is free, except:
#   - every test that touches the shared test PostgreSQL server runs on one worker, one at a time
#     (the store tests empty its one database; the hung-database test SIGSTOPs the whole server);
#   - a browser module, or a model module with module-scoped fixtures (a server, a rendered clip, a
#     model run), runs whole on one worker, in its order (later tests build on earlier ones) and
#     with its fixtures made once.
# The browser modules go first and the model modules next, so the long ones do not end the run alone.
# (The groups are worked out from the test's id and its module's text, in the controller as in the
# workers; xdist's own `xdist_group` marker does not reach the scheduler under pytest 9.2.)
_RANK = {"browser": 0, "model": 1, "postgres": 2}
ROOT = Path(__file__).resolve().parent.parent


def _text(path: Path, seen: dict) -> str:
    if path not in seen:
        seen[path] = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    return seen[path]


def _group(nodeid: str, seen: dict) -> tuple[int, str | None]:
    """(rank, the group that runs on one worker, or None) of a test id."""
    module = nodeid.split("::", 1)[0]
    params = nodeid.split("[", 1)[1] if "[" in nodeid else ""
    path = ROOT / module
    uses = [f for f in (path, path.with_name("conftest.py")) if f != Path(__file__)]  # not this file's own text
    if "postgres" in params or ("sqlite" not in params and any("COACH_TEST_POSTGRES" in _text(f, seen) for f in uses)):
        return _RANK["postgres"], "postgres"
    cost = _module_cost(path, seen.setdefault("cost", {}))
    if cost == "browser" or (cost == "model" and 'scope="module"' in _text(path, seen)):
        return _RANK[cost], module
    return len(_RANK), None


def usable_cores() -> int:
    """Cores this process may run on: its CPU affinity, capped by a cgroup v2 CPU quota when one is set."""
    import os

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()[:2]
        if quota != "max":
            cores = min(cores, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cores


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config) -> int:
    """``-n auto``: one worker more than the cores, so a real-time lane's waits are filled (see above)."""
    return usable_cores() + 1


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        """A group is one unit of work; every other test is a unit of its own; in collection order."""

        def __init__(self, config, log):
            super().__init__(config, log)
            self._seen: dict = {}

        def _split_scope(self, nodeid: str) -> str:
            return _group(nodeid, self._seen)[1] or nodeid

        def _assign_work_unit(self, node) -> None:
            # The first unit of this node's kind (browser or not) goes next; any unit when none is left.
            realtime = _is_realtime_lane(node.gateway.id, len(self.nodes))
            for scope, unit in self.workqueue.items():
                if _plays_in_real_time(next(iter(unit)), self._seen) == realtime:
                    self.workqueue.move_to_end(scope, last=False)
                    break
            super()._assign_work_unit(node)

    config.option.loadscopereorder = False  # keep the order below: long groups first
    return ByGroup(config, log)


# A module whose tests play a clip in real time (a fake camera, the live loop on a file, the camera-rate
# stand-in loop of tests/reliability/hung_db, whose tests count late frames) mostly waits.
_REALTIME = ("RealtimeFileSource", "run_live_on_file", '"--camera"', "'--camera'", "run_loop(")


def _plays_in_real_time(nodeid: str, seen: dict) -> bool:
    path = ROOT / nodeid.split("::", 1)[0]
    return (_module_cost(path, seen.setdefault("cost", {})) == "browser"
            or any(s in _text(path, seen) for s in _REALTIME))


COMPUTE_LANE_NICE = 5  # the compute lanes' niceness: a real-time lane's process wins the CPU ~3:1


def _is_realtime_lane(worker_id: str, workers: int) -> bool:
    """gw0, gw1, ...: the first half of 3 or more workers are real-time lanes; every worker of 1 or 2."""
    return workers < 3 or int(worker_id.removeprefix("gw")) < workers // 2


def _lower_priority_of_a_compute_lane() -> None:
    import os

    worker, count = os.environ.get("PYTEST_XDIST_WORKER"), os.environ.get("PYTEST_XDIST_WORKER_COUNT")
    if worker and count and not _is_realtime_lane(worker, int(count)):
        os.nice(COMPUTE_LANE_NICE)  # inherited by what the tests start (a coach process, a server)


def _schedule(items) -> None:
    seen: dict = {}
    items.sort(key=lambda item: _group(item.nodeid, seen)[0])  # stable: each module keeps its order


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(config, items) -> None:
    _mark_costs(items)
    _schedule(items)


def _mark_costs(items) -> None:
    seen: dict = {}
    slow = _measured_slow()
    for item in items:
        if any(any(item.iter_markers(name)) for name in _COSTS):
            continue  # a test that says its own cost
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "postgres" in callspec.id:
            item.add_marker("postgres")
        else:
            cost = _module_cost(Path(str(item.fspath)), seen)
            listed = item.nodeid in slow or item.nodeid.split("[", 1)[0] in slow  # a test, or all its cases
            item.add_marker("slow" if cost == "fast" and listed else cost)
