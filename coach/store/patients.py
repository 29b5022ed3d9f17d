"""``Store`` methods for patients: add, change (a withdrawn video consent deletes the videos), read."""
from __future__ import annotations

from dataclasses import asdict

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from coach.store import consent, queries
from coach.store import schema as t
from coach.store.clock import now
from coach.store.errors import NotFound, StoreError, StoreWriteError, in_words, translated_method
from coach.store.ids import validate_notes, validate_patient_id
from coach.store.records import Patient


class PatientsMixin:
    """Needs ``engine``, ``url``, ``media_dir`` and ``_require_writable()`` from ``Store``."""

    def add_patient(self, patient_id: str, *, age: int | None = None, sex: str = "", condition: str = "",
                    affected_side: str = "", notes: str = "", video_opt_in: bool = False) -> Patient:
        from coach.sync.alerts import refresh

        self._require_writable(f"save patient {patient_id!r}")
        validate_patient_id(patient_id)
        validate_notes(notes)
        p = Patient(patient_id, age, sex, condition, affected_side, notes, video_opt_in, now())
        try:
            with self.engine.begin() as conn:
                conn.execute(t.patients.insert().values(**asdict(p)))
                refresh(conn, patient_id)  # none yet: "no session yet" is worked out when read
        except IntegrityError as e:
            raise StoreError(f"Patient {patient_id!r} already exists") from e
        except SQLAlchemyError as e:
            raise in_words(e, f"save patient {patient_id!r}", error=StoreWriteError) from e
        return p

    @translated_method("update the patient")
    def update_patient(self, patient_id: str, **changes) -> Patient:
        allowed = {"age", "sex", "condition", "affected_side", "notes", "video_opt_in"}
        if set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(set(changes) - allowed)}")
        self._require_writable("update the patient")
        validate_notes(changes.get("notes", ""))
        self.patient(patient_id)
        withdrawn = changes.get("video_opt_in") is False
        with self.engine.begin() as conn:
            conn.execute(update(t.patients).where(t.patients.c.id == patient_id).values(**changes))
            if withdrawn:  # no consent, no video: the references go in the same transaction
                consent.forget_videos(conn, patient_id)
        if withdrawn:
            consent.remove_files(self.media_dir, patient_id)
        return self.patient(patient_id)

    @translated_method("read the patient")
    def patient(self, patient_id: str) -> Patient:
        with self.engine.connect() as conn:
            row = conn.execute(select(t.patients).where(t.patients.c.id == patient_id)).mappings().first()
        if row is None:
            raise NotFound(f"No patient {patient_id!r}")
        return Patient(**{**row, "created_at": queries.as_utc(row["created_at"])})

    @translated_method("list patients")
    def patients(self) -> list[Patient]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(t.patients).order_by(t.patients.c.id)).mappings().all()
        return [Patient(**{**r, "created_at": queries.as_utc(r["created_at"])}) for r in rows]
