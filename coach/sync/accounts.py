"""Named physio logins and the audit log.

Each physio has an account: a username, a name to show, and an argon2id hash of their password
(argon2-cffi, with its recommended parameters; a hash made with older parameters is renewed at the
next login). ``coach clinic add-physio NAME`` makes one. Where the clinic's database has accounts,
the physio app asks for a username and password and every page action is written to the audit log
under that name; the shared password (``COACH_APP_PASSWORD``) stays only for one physio on one
laptop, with no accounts (audited as "physio").

``audit(store, who, action, ...)`` appends one row: who viewed, changed, excluded or exported what.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select, update

from coach.store import sync_schema as s

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
MIN_PASSWORD = 10
ACTIONS = ("login", "view", "change", "exclude", "include", "export", "import", "pair", "revoke", "alert_seen",
           "account")
SHARED_LOGIN = "physio"  # who the shared-password mode is audited as
_HASHER = PasswordHasher()
# a hash to verify against when the username is unknown, so that a wrong name takes as long as a wrong password
_DUMMY = _HASHER.hash("not a password of anyone")


@dataclass(frozen=True)
class Account:
    username: str
    display_name: str
    created_at: datetime
    disabled: bool


def _now() -> datetime:
    return datetime.now(timezone.utc)


def add_physio(store, username: str, password: str, display_name: str = "") -> Account:
    username = (username or "").strip().lower()
    if not USERNAME.fullmatch(username):
        raise ValueError(f"invalid username {username!r}: 2-64 lower-case letters, digits, '.', '_' or '-'")
    if len(password or "") < MIN_PASSWORD:
        raise ValueError(f"a physio's password has at least {MIN_PASSWORD} characters")
    now = _now()
    with store.engine.begin() as conn:
        if conn.execute(select(s.physio_accounts.c.username).where(s.physio_accounts.c.username == username)).first():
            raise ValueError(f"there is already an account {username!r}")
        conn.execute(s.physio_accounts.insert().values(username=username, display_name=(display_name or username)[:128],
                                                       password_hash=_HASHER.hash(password), created_at=now))
    audit(store, "admin", "account", target=username, detail="account added")
    return Account(username, display_name or username, now, False)


def set_disabled(store, username: str, disabled: bool) -> None:
    with store.engine.begin() as conn:
        done = conn.execute(update(s.physio_accounts).where(s.physio_accounts.c.username == username)
                            .values(disabled_at=_now() if disabled else None))
    if done.rowcount != 1:
        raise ValueError(f"no account {username!r}")
    audit(store, "admin", "account", target=username, detail="disabled" if disabled else "enabled")


def accounts(store) -> list[Account]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.physio_accounts).order_by(s.physio_accounts.c.username)).mappings().all()
    return [Account(r["username"], r["display_name"], r["created_at"], r["disabled_at"] is not None) for r in rows]


def have_accounts(store) -> bool:
    with store.engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(s.physio_accounts)).scalar())


def check_login(store, username: str, password: str) -> Account | None:
    """The account when the password is right and the account is enabled, else None."""
    username = (username or "").strip().lower()
    with store.engine.connect() as conn:
        row = conn.execute(select(s.physio_accounts).where(s.physio_accounts.c.username == username)).mappings().first()
    try:
        _HASHER.verify(row["password_hash"] if row else _DUMMY, password or "")
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return None
    if row is None or row["disabled_at"] is not None:
        return None
    if _HASHER.check_needs_rehash(row["password_hash"]):
        with store.engine.begin() as conn:
            conn.execute(update(s.physio_accounts).where(s.physio_accounts.c.username == username)
                         .values(password_hash=_HASHER.hash(password)))
    return Account(row["username"], row["display_name"], row["created_at"], False)


def audit(store, who: str, action: str, patient_id: str = "", target: str = "", detail: str = "") -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with store.engine.begin() as conn:
        conn.execute(s.audit_log.insert().values(at=_now(), who=(who or "unknown")[:128], action=action,
                                                 patient_id=patient_id or "", target=(target or "")[:256],
                                                 detail=(detail or "")[:4000]))


def audit_log(store, patient_id: str | None = None, limit: int = 500) -> list[dict]:
    q = select(s.audit_log).order_by(s.audit_log.c.id.desc()).limit(limit)
    if patient_id:
        q = q.where(s.audit_log.c.patient_id == patient_id)
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(q).mappings()]
