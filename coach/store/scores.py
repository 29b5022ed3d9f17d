"""``Store`` methods for validated-test results: save one (in its own session or an existing one)
and read a patient's."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from coach.store import ops, queries
from coach.store import schema as t
from coach.store.errors import NotFound, StoreWriteError, masked, translated, translated_method
from coach.store.records import StoredTest, TestResult
from exercises.validated_tests import TESTS, canonical_test_id, implausible


class ValidatedTestsMixin:
    """Needs ``engine``, ``url``, ``patient()``, ``start_session()`` and ``_require_writable()`` from
    ``Store``."""

    def save_test_result(self, patient_id: str, result: TestResult, session_id: int | None = None,
                         *, source: str = "", started_at: datetime | None = None) -> int:
        """Store a validated-test result; return its session's id. Without ``session_id`` a session of
        the test's own is made (exercise = the test's exercise, settings mode "test"). A result that
        could not be scored is stored too (the physio sees that the test was tried and why it failed)."""
        if not isinstance(result, TestResult):
            raise TypeError(f"expected a TestResult, got {type(result).__name__}")
        if implausible(result):
            raise ValueError(f"not stored: {implausible(result)}")
        self._require_writable("save the test result")
        self.patient(patient_id)
        if session_id is None:
            spec = TESTS[canonical_test_id(result.test)]
            rec = self.start_session(patient_id, spec.exercise, source=source or f"test:{spec.id}",
                                     settings={"mode": "test", "test": spec.id}, started_at=started_at, lazy=False)
            rec.add_test_result(result)
            rec.finish("complete")
            return rec.session_id
        with translated("save the test result", masked(self.url), error=StoreWriteError), self.engine.begin() as conn:
            row = conn.execute(select(t.sessions.c.patient_id).where(t.sessions.c.id == session_id)).first()
            if row is None:
                raise NotFound(f"No session {session_id}")
            if row.patient_id != patient_id:
                raise ValueError(f"session {session_id} belongs to another patient, not {patient_id!r}")
            seq = conn.execute(select(func.coalesce(func.max(t.test_results.c.seq), 0))
                               .where(t.test_results.c.session_id == session_id)).scalar() + 1
            conn.execute(t.test_results.insert().values(session_id=session_id, seq=seq, **ops.test_columns(result)))
        return session_id

    @translated_method("read the test results")
    def test_results(self, patient_id: str) -> list[StoredTest]:
        """The patient's test results in time order (``StoredTest``: ids, time, ``result``)."""
        with self.engine.connect() as conn:
            return queries.test_results(conn, patient_id)
