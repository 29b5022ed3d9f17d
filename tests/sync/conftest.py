"""The clinic (its store, its HTTP API under uvicorn on 127.0.0.1) and a patient laptop (SQLite in
its own data folder) for the sync tests. The clinic runs on SQLite always and on PostgreSQL when
``COACH_TEST_POSTGRES_URL`` is set (``eval "$(scripts/start_test_postgres.sh)"``): each test gets a
database of its own in that server, dropped afterwards, so it never meets another test's tables."""
from __future__ import annotations

import pytest

from coach.store import Store
from tests.postgres_db import POSTGRES_URL, own_database
from tests.sync.api_server import ApiServer

BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("COACH_DATA_DIR", str(tmp_path / "nowhere"))
    monkeypatch.delenv("COACH_DATABASE_URL", raising=False)


@pytest.fixture(params=BACKENDS)
def clinic_url(request, tmp_path):
    if request.param == "sqlite":
        (tmp_path / "clinic").mkdir()
        yield f"sqlite:///{tmp_path / 'clinic' / 'coach.db'}"
        return
    with own_database("coach_sync") as url:
        yield url


@pytest.fixture
def clinic(clinic_url, tmp_path):
    store = Store.open(clinic_url, fallback_dirs=[tmp_path / "clinic-unsaved"])
    store.add_patient("P001", age=72, sex="female", condition="stroke", affected_side="left")
    store.add_patient("P002", age=64, sex="male", condition="parkinsons")
    yield store
    store.close()


@pytest.fixture
def api(clinic):
    server = ApiServer(clinic)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def laptop(tmp_path):
    folder = tmp_path / "laptop"
    folder.mkdir()
    store = Store.open(f"sqlite:///{folder / 'coach.db'}", fallback_dirs=[folder / "unsaved"])
    yield store
    store.close()
