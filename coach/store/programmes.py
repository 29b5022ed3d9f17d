"""Saving and loading programme versions (rows of ``programmes``; the body is ``Programme.to_dict``),
and the ``Store`` methods that do it (``ProgrammesMixin``)."""
from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from coach.programme.model import Programme, ProgrammeError, from_dict
from coach.store import schema as t
from coach.store.errors import translated_method
from coach.store.ids import validate_notes
from coach.store.queries import as_utc

log = logging.getLogger(__name__)


def save(conn: Connection, programme: Programme) -> Programme:
    """Store ``programme`` as the patient's next version; return it with version and time set."""
    latest = conn.execute(select(func.max(t.programmes.c.version))
                          .where(t.programmes.c.patient_id == programme.patient_id)).scalar() or 0
    saved = replace(programme, version=latest + 1, created_at=datetime.now(timezone.utc))
    conn.execute(t.programmes.insert().values(
        patient_id=saved.patient_id, version=saved.version, created_at=saved.created_at,
        author=saved.author, note=saved.note, body=saved.to_dict()))
    return saved


def load(conn: Connection, patient_id: str, version: int | None = None) -> Programme | None:
    """The given version, or the newest usable one; None when the patient has none.

    A stored version that no longer validates (older coaches could save a programme with no
    exercise) is skipped when the newest is asked for, so one bad version never locks a patient
    out of every command; asked for by number, its problem is raised."""
    q = select(t.programmes).where(t.programmes.c.patient_id == patient_id)
    if version is not None:
        row = conn.execute(q.where(t.programmes.c.version == version)).mappings().first()
        return _programme(row) if row else None
    for row in conn.execute(q.order_by(t.programmes.c.version.desc())).mappings():
        try:
            return _programme(row)
        except ProgrammeError as e:
            log.warning("skipping unusable programme version %s of %s: %s", row["version"], patient_id, e)
    return None


def history(conn: Connection, patient_id: str) -> list[Programme]:
    rows = conn.execute(select(t.programmes).where(t.programmes.c.patient_id == patient_id)
                        .order_by(t.programmes.c.version)).mappings().all()
    out = []
    for r in rows:
        try:
            out.append(_programme(r))
        except ProgrammeError as e:
            log.warning("skipping unusable programme version %s of %s: %s", r["version"], patient_id, e)
    return out


def _programme(row) -> Programme:
    source = f"stored programme v{row['version']}"
    if not isinstance(row["body"], dict):  # an older coach imported whatever a bundle carried
        raise ProgrammeError([((), f"not a programme (a {type(row['body']).__name__})")], source)
    p = from_dict(dict(row["body"]), source=source)
    return replace(p, version=row["version"], author=row["author"], note=row["note"],
                   created_at=as_utc(row["created_at"]))


class ProgrammesMixin:
    """``Store`` methods for programmes. Needs ``engine``, ``url``, ``patient()`` and
    ``_require_writable()`` from ``Store``."""

    @translated_method("save the programme")
    def save_programme(self, programme: Programme) -> Programme:
        """Save as the patient's next version (earlier versions are kept); return it numbered."""
        self._require_writable("save the programme")
        self.patient(programme.patient_id)
        if not programme.exercises:
            raise ValueError(f"a programme needs at least one exercise (patient {programme.patient_id})")
        validate_notes(programme.note)
        from coach.sync.alerts import refresh

        with self.engine.begin() as conn:
            saved = save(conn, programme)
            refresh(conn, programme.patient_id)  # the 'suggested easier' check reads the programme
            return saved

    @translated_method("read the programme")
    def programme(self, patient_id: str, version: int | None = None) -> Programme | None:
        """The patient's current programme (or a given version); None if there is none."""
        with self.engine.connect() as conn:
            return load(conn, patient_id, version)

    @translated_method("read the programme history")
    def programme_history(self, patient_id: str) -> list[Programme]:
        with self.engine.connect() as conn:
            return history(conn, patient_id)
