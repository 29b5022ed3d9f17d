"""The reports' view of the validated tests: labels and ``interpret``, from the one table.

There is one test vocabulary, one norms table and one ``TestResult`` in the project
(``exercises.validated_tests`` and ``exercises.norms``); this module only re-exports them under
the names the reports use. ``TESTS`` maps every id (canonical and old spellings) to its label.
"""
from __future__ import annotations

from exercises.validated_tests import ALIASES, TEST_IDS, TestResult, canonical_test_id, interpret
from exercises.validated_tests import TESTS as _SPECS

TESTS: dict[str, str] = {**{k: _SPECS[v].label for k, v in ALIASES.items()},
                         **{k: spec.label for k, spec in _SPECS.items()}}

__all__ = ["TESTS", "TEST_IDS", "TestResult", "canonical_test_id", "interpret"]
