"""The reports' view of the validated tests: labels and ``interpret``, from the one table.

There is one test vocabulary, one norms table and one ``TestResult`` in the project
(``exercises.validated_tests`` and ``exercises.norms``); this module only re-exports them under
the names the reports use. ``TESTS`` maps every id (canonical and old spellings) to its label.
"""
from __future__ import annotations

from coach.labels import TESTS
from exercises.validated_tests import TEST_IDS, TestResult, canonical_test_id, interpret

__all__ = ["TESTS", "TEST_IDS", "TestResult", "canonical_test_id", "interpret"]
