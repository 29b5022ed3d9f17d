"""Issue 11 item 4: a damaged database is refused by name with the way back; rotating backups;
``coach db check`` / ``coach db restore``."""
from __future__ import annotations

import os
from datetime import timedelta

import pytest

from coach.cli import main
from coach.store import Store, StoreError, integrity
from tests.store.factories import make_rep


def _db(tmp_path):
    path = tmp_path / "data" / "coach.db"
    return path, f"sqlite:///{path}"


def _session(store, n=3):
    with store.start_session("P001", "squat") as rec:
        rec.start_set(n)
        for i in range(1, n + 1):
            rec.add_rep(make_rep(i))
    return rec.session_id


def _garble_middle(path):
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(size // 2)
        f.write(os.urandom(8192))


def test_garbage_in_the_middle_is_refused_not_written(tmp_path, capsys):
    path, url = _db(tmp_path)
    with Store.open(url) as s:
        s.add_patient("P001")
        for _ in range(40):  # enough pages that the garbage lands in table data
            _session(s, 8)
    assert len(integrity.list_backups(path)) == 1  # made on the first open of the day (empty then)
    Store.open(url, backup_every=timedelta(0)).close()  # the next day's open backs up the history
    assert len(integrity.list_backups(path)) == 2
    _garble_middle(path)
    with pytest.raises(StoreError) as err:
        Store.open(url)
    message = str(err.value)
    assert str(path) in message and "damaged" in message and "coach db restore" in message
    assert main(["sessions", "--db", url]) != 0  # every command says so, none writes
    assert main(["db", "check", "--db", url]) == 1
    assert "DAMAGED" in capsys.readouterr().out
    assert main(["db", "restore", "--db", url]) == 0
    assert ".damaged-" in capsys.readouterr().out
    with Store.open(url) as s:
        assert s.sessions("P001")  # the backup's history is back
    assert list(path.parent.glob("coach.db.damaged-*"))  # and the damaged file is kept


def test_empty_database_file_is_not_silently_replaced(tmp_path):
    path, url = _db(tmp_path)
    with Store.open(url) as s:
        s.add_patient("P001")
        _session(s)
    assert main(["db", "backup", "--db", url]) == 0
    path.write_bytes(b"")  # emptied (a sync tool, a crash of another program)
    for side in ("-wal", "-shm"):
        (path.parent / f"coach.db{side}").unlink(missing_ok=True)
    with pytest.raises(StoreError, match=r"empty \(0 bytes\).*coach db restore"):
        Store.open(url)
    assert path.stat().st_size == 0  # nothing was written over it
    integrity.restore(path)
    with Store.open(url) as s:
        assert len(s.sessions("P001")) == 1


def test_backups_rotate(tmp_path):
    path, url = _db(tmp_path)
    for _ in range(integrity.KEEP + 3):
        Store.open(url, backup_every=timedelta(0)).close()
    backups = integrity.list_backups(path)
    assert len(backups) == integrity.KEEP
    assert all(oct(b.stat().st_mode & 0o777) == "0o600" for b in backups)
    assert oct(integrity.backup_dir(path).stat().st_mode & 0o777) == "0o700"
    assert not integrity.problem(backups[0], full=True)


def test_restore_without_backup_says_so(tmp_path, capsys):
    path, url = _db(tmp_path)
    Store.open(url, backup_every=None).close()
    assert main(["db", "restore", "--db", url]) == 2
    assert "no backup" in capsys.readouterr().err
