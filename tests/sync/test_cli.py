"""The command line of the clinic service: a pairing code at the clinic, ``coach pair`` and
``coach sync`` on the laptop (exit 3 while something waits), devices and revoking, a physio login
added and the audit log showing who did what."""
from __future__ import annotations

import re

from coach.cli import main
from coach.sync import accounts
from tests.sync.test_end_to_end import _clinic_count, _record_session


def test_pair_sync_revoke_and_accounts_from_the_command_line(clinic, api, laptop, capsys, monkeypatch):
    assert main(["clinic", "pair-code", "P001", "--by", "anna", "--db", clinic.url]) == 0
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", capsys.readouterr().out).group(0)
    assert main(["pair", code.lower(), "--clinic", api.url, "--db", laptop.url]) == 0  # typed in lower case
    assert "for patient P001" in capsys.readouterr().out

    first = _record_session(laptop)
    assert main(["sync", "--db", laptop.url]) == 0
    assert "sent" in capsys.readouterr().out and _clinic_count(clinic, first) == 1

    api.stop()
    second = _record_session(laptop)
    assert main(["sync", "--db", laptop.url]) == 3
    out = capsys.readouterr().out
    assert "1 waiting in the outbox" in out and "could not be reached" in out
    api.start()
    assert main(["sync", "--db", laptop.url]) == 0 and _clinic_count(clinic, second) == 1
    capsys.readouterr()

    assert main(["clinic", "devices", "P001", "--db", clinic.url]) == 0
    device = int(capsys.readouterr().out.split("\t")[0])
    assert main(["clinic", "revoke", str(device), "--by", "anna", "--db", clinic.url]) == 0
    _record_session(laptop)
    assert main(["sync", "--db", laptop.url]) == 3
    assert "ended this computer's pairing" in capsys.readouterr().out

    monkeypatch.setenv("COACH_NEW_PASSWORD", "correct horse battery")
    assert main(["clinic", "add-physio", "Anna", "--name", "Anna B.", "--db", clinic.url]) == 0
    assert accounts.check_login(clinic, "anna", "correct horse battery").display_name == "Anna B."
    assert accounts.check_login(clinic, "anna", "wrong horse battery") is None
    capsys.readouterr()
    assert main(["clinic", "audit", "--patient", "P001", "--db", clinic.url]) == 0
    log = capsys.readouterr().out
    assert "anna\trevoke\tP001" in log and "anna\tpair\tP001" in log

    assert main(["pair", "--forget", "--db", laptop.url]) == 0
    assert main(["sync", "--db", laptop.url]) == 2  # not paired: one error line
    assert "not paired" in capsys.readouterr().err
