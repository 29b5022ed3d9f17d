"""Opt-in pytest plugin: one JSON line per test with its wall time and CPU (the worker's own, and that of
the child processes it reaped: a `coach` run, a server), so the suite's cost can be added up by module
and by cost marker. Not loaded by default; ``scripts/measure_ci_costs.sh`` runs the suite with it:

    COACH_TEST_COST_LOG=costs.jsonl python -m pytest -p tests.cost_log

What it cannot see: processes reaped by someone else (Chromium, reaped by Playwright's driver) and
time the machine sat idle; ``scripts/ci_costs.py`` sets the total against wall x cores for that.
"""
from __future__ import annotations

import json
import os
import resource
import time

import pytest


def _cpu_s() -> tuple[float, float]:
    own, reaped = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, reaped.ru_utime + reaped.ru_stime


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    path = os.environ.get("COACH_TEST_COST_LOG")
    if not path:
        yield
        return
    start, (own0, reaped0) = time.monotonic(), _cpu_s()
    yield
    own1, reaped1 = _cpu_s()
    from tests.conftest import _COSTS  # the cost markers, as conftest gives them (loaded by now)

    cost = next((m for m in _COSTS if item.get_closest_marker(m)), "")
    line = {"id": item.nodeid, "cost": cost, "wall_s": round(time.monotonic() - start, 3),
            "cpu_s": round(own1 - own0, 3), "children_cpu_s": round(reaped1 - reaped0, 3),
            "worker": os.environ.get("PYTEST_XDIST_WORKER", "main"), "end": time.time()}
    with open(path, "a", encoding="utf-8") as out:  # one short append per test: workers do not interleave lines
        out.write(json.dumps(line) + "\n")
