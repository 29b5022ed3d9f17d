"""Validated clinical tests: the one catalogue, the one ``TestResult`` and the scoring.

Pure (no video): everything is computed from ``Rep``s and, when given, the recording's
timestamps and per-frame "person found" flags. A test is scored only when the recording can
support it (``recording_problem``): a person found through the test, a frame rate and timestamp
steadiness good enough for the timing the norm needs, and the whole test duration present.
Otherwise the result has ``value=None`` and ``cannot_score`` says why, in words.

One job a module: ``catalogue`` (which tests exist, their protocol, stop rule, unit and norms
reference), ``result`` (``TestResult``), ``quality`` (can the recording support a score),
``interpretation`` (a score read against the norms), ``scoring`` (from reps; ``score_test``, the
entry point for the app and the CLI), ``tug_score`` (the Timed Up and Go from poses) and
``gait_score`` (gait speed from poses).
Norm values live in ``exercises.norms`` (copied from CLINICAL.md with sources).
"""
from __future__ import annotations

from exercises.validated_tests.catalogue import (ALIASES, CALF_RAISE_DURATION_S, CHAIR_STAND_DURATION_S, FTSTS_REPS,
                                                 TEST_IDS, TEST_VALUE_RANGE, TESTS, TestSpec, canonical_test_id)
from exercises.validated_tests.interpretation import (interpret, interpret_chair_stand, interpret_ftsts,
                                                      interpret_reach, interpret_tug, tug_fall_risk,
                                                      tug_uncertainty_s)
from exercises.validated_tests.quality import (DARK_MAX_LUMA, PERSON_ABSENT_MAX_S, PERSON_SHARE_MIN,
                                               TIMESTAMP_GAP_MAX_S, RecordingQuality, recording_problem,
                                               recording_quality)
from exercises.validated_tests.result import TestResult, cannot_score, implausible
from exercises.validated_tests.scoring import (calf_raise_30s, chair_stand_30s, five_times_sit_to_stand,
                                               functional_reach, score_test)
from exercises.validated_tests.gait_score import gait_speed, interpret_gait
from exercises.validated_tests.tug_score import timed_up_and_go

__all__ = ["ALIASES", "CALF_RAISE_DURATION_S", "CHAIR_STAND_DURATION_S", "DARK_MAX_LUMA", "FTSTS_REPS",
           "PERSON_ABSENT_MAX_S", "PERSON_SHARE_MIN", "TESTS", "TEST_IDS", "TEST_VALUE_RANGE", "TIMESTAMP_GAP_MAX_S",
           "RecordingQuality", "TestResult", "TestSpec", "calf_raise_30s", "canonical_test_id", "cannot_score",
           "chair_stand_30s", "five_times_sit_to_stand", "functional_reach", "gait_speed", "implausible", "interpret",
           "interpret_chair_stand", "interpret_ftsts", "interpret_gait", "interpret_reach", "interpret_tug", "recording_problem",
           "recording_quality", "score_test", "timed_up_and_go", "tug_fall_risk", "tug_uncertainty_s"]
