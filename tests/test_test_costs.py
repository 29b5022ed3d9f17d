"""The test suite's own plumbing (tests/conftest.py): cost markers and what shares a worker."""
from pathlib import Path

from tests.conftest import ROOT, _group, _measured_slow, _module_cost


def test_the_shared_postgresql_tests_share_one_worker():
    assert _group("tests/store/test_roundtrip.py::test_patients[postgresql]", {}) == (2, "postgres")
    assert _group("tests/reliability/test_hung_database.py::test_postgres_sigstopped", {})[1] == "postgres"
    assert _group("tests/store/test_roundtrip.py::test_patients[sqlite]", {})[1] is None  # SQLite: anywhere
    # a module beside tests/conftest.py is not put with PostgreSQL for the conftest's own text (which names it)
    assert _group("tests/test_sources.py::test_x", {}) == (3, None)


def test_browser_and_module_scoped_model_modules_run_whole_and_first():
    browser = _group("tests/app/test_browser.py::test_x", {})
    model = _group("tests/test_synth_mediapipe.py::test_x", {})
    assert browser == (0, "tests/app/test_browser.py")
    assert model == (1, "tests/test_synth_mediapipe.py")
    seen: dict = {}
    assert _module_cost(ROOT / "tests/app/test_browser.py", seen) == "browser"
    assert _module_cost(ROOT / "tests/test_synth_mediapipe.py", seen) == "model"
    assert _module_cost(ROOT / "tests/exercises/test_phases.py", seen) == "fast"


def test_every_slow_list_line_names_a_test_module_that_exists():
    listed = _measured_slow()
    assert listed
    assert [line for line in listed if not (ROOT / line.split("::", 1)[0]).is_file()] == []
    assert all(Path(line.split("::", 1)[0]).name.startswith("test_") for line in listed)


def test_auto_workers_are_one_more_than_the_usable_cores():
    import os

    from tests.conftest import pytest_xdist_auto_num_workers, usable_cores

    cores = usable_cores()
    assert 1 <= cores <= (os.cpu_count() or 1)
    assert pytest_xdist_auto_num_workers(None) == cores + 1
