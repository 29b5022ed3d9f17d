"""Named physio logins: argon2id hashes (never the password), a wrong name as slow as a wrong
password, disabled accounts refused, and the physio app allowed to start without the shared
password only where such accounts exist."""
from __future__ import annotations

import argparse

import pytest
from sqlalchemy import select

from coach.store import sync_schema
from coach.sync import accounts


def test_a_password_is_kept_as_an_argon2id_hash_and_checked(clinic):
    accounts.add_physio(clinic, "Anna", "a long password 1", "Anna B.")
    with clinic.engine.connect() as conn:
        stored = conn.execute(select(sync_schema.physio_accounts.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and "a long password 1" not in stored
    assert accounts.check_login(clinic, "anna", "a long password 1").display_name == "Anna B."
    assert accounts.check_login(clinic, "anna", "a long password 2") is None
    assert accounts.check_login(clinic, "nobody", "a long password 1") is None
    accounts.set_disabled(clinic, "anna", True)
    assert accounts.check_login(clinic, "anna", "a long password 1") is None
    with pytest.raises(ValueError, match="at least"):
        accounts.add_physio(clinic, "ben", "short")
    with pytest.raises(ValueError, match="already"):
        accounts.add_physio(clinic, "anna", "another long one")
    assert [r["action"] for r in accounts.audit_log(clinic)] == ["account", "account"]  # added, disabled


def test_the_physio_app_starts_without_the_shared_password_only_with_named_logins(clinic, monkeypatch):
    from coach.commands.app import check

    monkeypatch.setenv("COACH_DATABASE_URL", clinic.url)
    args = argparse.Namespace(port=8501, physio=True, patient=None, address="127.0.0.1")
    env = {"COACH_DATABASE_URL": clinic.url}
    with pytest.raises(ValueError, match="need a password"):
        check(args, env)
    accounts.add_physio(clinic, "anna", "a long password 1")
    check(args, env)  # named logins: no shared password needed
