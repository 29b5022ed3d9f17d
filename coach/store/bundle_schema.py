"""The share bundle's members as JSON Schemas: one per member, the database's constraints written
down once, checked on import before anything is written.

Vocabularies come from their one list (exercise names from ``exercises.registry``, test ids and
units from ``exercises.validated_tests``, statuses and sides from ``coach.store.records``); every
number has a range; no member may carry a field this coach does not know (a newer coach's file
is refused with its version, see ``check_session``). Times must lie between ``EARLIEST`` and a day
past now (``when``); free text loses its control characters (``coach.store.text``).
"""
from __future__ import annotations

import math
from dataclasses import fields
from datetime import datetime, timedelta, timezone

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from coach.caregiver import KINDS as CAREGIVER_KINDS
from coach.store import clips, diary
from coach.store.records import SESSION_STATUSES, SIDES
from exercises.engine import SIDES as EXERCISE_SIDES
from coach.store.schema import SCHEMA_VERSION
from exercises.base import Rep
from exercises.registry import EXERCISE_NAMES
from exercises.validated_tests import TEST_IDS, TEST_VALUE_RANGE, TESTS

FORMAT = "rehab-coach-bundle/1"
EARLIEST = datetime(2000, 1, 1, tzinfo=timezone.utc)  # nothing in a rehab record is older
SEXES = ("", "female", "male", "other")
assert set(TEST_VALUE_RANGE) == set(TEST_IDS), "every validated test needs its plausible range"

_ISO = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"
_DAY = r"^\d{4}-\d{2}-\d{2}$"
_UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_SHA = r"^[0-9a-f]{64}$"
_LINE = r"^[^\x00-\x1f\x7f]*$"  # one line, no control characters


def _str(max_len: int = 200, pattern: str | None = _LINE) -> dict:
    return {"type": "string", "maxLength": max_len, **({"pattern": pattern} if pattern else {})}


def _num(lo: float, hi: float, null: bool = False) -> dict:
    return {"type": ["number", "null"] if null else "number", "minimum": lo, "maximum": hi}


def _int(lo: int, hi: int, null: bool = False) -> dict:
    return {"type": ["integer", "null"] if null else "integer", "minimum": lo, "maximum": hi}


def _obj(props: dict, required: list[str] | None = None) -> dict:
    return {"type": "object", "properties": props, "required": required if required is not None else list(props),
            "additionalProperties": False}


TIME = {"type": "string", "pattern": _ISO}
TIME_OR_NULL = {"type": ["string", "null"], "pattern": _ISO}
SECONDS = _num(-86_400, 86_400)  # a time inside a session, seconds
TEXT = _str(clips.NOTE_MAX, pattern=None)  # notes, details: several lines, control characters stripped on input

MANIFEST = _obj({"format": {"const": FORMAT}, "created_at": TIME, "app_version": _str(32), "patient": _str(64),
                 "sessions": _int(0, 100_000), "video": {"type": "boolean"}, "video_note": _str(),
                 "diary_days": _int(0, 100_000), "clips": _int(0, 100_000), "clip_videos": _int(0, 100_000)},
                required=["format", "patient"])

PATIENT = _obj({"id": _str(64), "age": _int(0, 130, null=True), "sex": {"enum": list(SEXES)},
                "condition": _str(64), "affected_side": {"enum": list(SIDES)},
                "notes": _str(20_000, pattern=None), "video_opt_in": {"type": "boolean"},
                "created_at": TIME_OR_NULL}, required=["id"])

PROGRAMMES = {"type": "array", "maxItems": 10_000, "items": _obj(
    {"patient_id": _str(64), "version": _int(1, 1_000_000), "created_at": TIME, "author": _str(128),
     "note": _str(20_000, pattern=None), "body": {"type": "object"}}, required=["version", "created_at", "body"])}

FAULT = _obj({"code": _str(64), "time_s": SECONDS, "detail": TEXT})  # lengths: the columns' (coach.store.schema)
_REP_TYPES = {"index": _int(0, 100_000), "start_s": SECONDS, "end_s": SECONDS, "counted": {"type": "boolean"},
              "metrics": {"type": "object", "maxProperties": 200, "additionalProperties": _num(-1e6, 1e6),
                          "propertyNames": {"pattern": r"^[A-Za-z0-9_.-]{1,64}$"}},
              "faults": {"type": "array", "maxItems": 100, "items": FAULT}, "confidence": _str(8),
              "side": _str(16), "view": _str(16), "skipped_checks": {"type": "array", "items": _str(64)},
              "reason": _str(500, pattern=None)}
REP = _obj({f.name: _REP_TYPES.get(f.name, {}) for f in fields(Rep)}, required=["start_s", "end_s", "faults"])
# A set's side is what the coach was asked for (exercises' "auto" included), not only a body side.
SET_SIDES = sorted(set(SIDES) | set(EXERCISE_SIDES))
SET = _obj({"set_no": _int(1, 10_000), "target_reps": _int(0, 10_000, null=True), "side": {"enum": SET_SIDES},
            "started_at": TIME, "ended_at": TIME_OR_NULL, "reps": {"type": "array", "maxItems": 10_000, "items": REP}})
# A caregiver's answers (``coach.caregiver``) are one of their words, in either kind of event.
_CAREGIVER = [{"if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
               "then": {"properties": {"detail": {"enum": list(answers)}}, "required": ["detail"]}}
              for kind, answers in CAREGIVER_KINDS.items()]
EVENT = {**_obj({"kind": _str(32), "time_s": SECONDS, "detail": TEXT}), "allOf": _CAREGIVER}
ADDED_EVENT = {**_obj({"t_s": SECONDS, "kind": _str(32), "detail": TEXT, "created_at": TIME_OR_NULL},
                      required=["t_s", "kind"]), "allOf": _CAREGIVER}
TEST = {**_obj({"test": {"enum": list(TEST_IDS)}, "value": {"type": ["number", "null"]}, "unit": _str(16),
                "norm_low": _num(-1e4, 1e4, null=True), "norm_high": _num(-1e4, 1e4, null=True),
                "norm_source": _str(500), "interpretation": _str(2000, pattern=None), "norm": _str(2000),
                "trust": {"enum": ["ok", "low"]}, "flags": {"type": "array", "maxItems": 50, "items": _str(64)},
                "details": {"type": "object"}, "timing_uncertainty_s": _num(0, 3600, null=True),
                "cannot_score": _str(2000, pattern=None)}, required=["test", "value", "unit"]),
        "allOf": [{"if": {"properties": {"test": {"const": tid}}},
                   "then": {"properties": {"value": _num(*TEST_VALUE_RANGE[tid], null=True),
                                           "unit": {"const": TESTS[tid].unit}}}} for tid in TEST_IDS]}
SESSION = _obj(
    {"id": _int(1, 2 ** 53), "uuid": {"type": "string", "pattern": _UUID}, "patient_id": _str(64),
     "exercise": {"enum": list(EXERCISE_NAMES)}, "source": _str(256), "status": {"enum": list(SESSION_STATUSES)},
     "started_at": TIME, "ended_at": TIME_OR_NULL, "last_write_at": TIME_OR_NULL, "host": _str(128),
     "schema_version": _int(1, SCHEMA_VERSION), "app_version": _str(32), "algorithm_version": _str(64),
     "settings": {"type": ["object", "null"], "maxProperties": 200}, "programme_version": _int(1, 1_000_000, True),
     "notes": _str(20_000, pattern=None), "excluded": {"type": "boolean"}, "excluded_by": _str(128),
     "excluded_reason": _str(2000, pattern=None), "excluded_at": TIME_OR_NULL,
     "sets": {"type": "array", "maxItems": 1000, "items": SET},
     "events": {"type": "array", "maxItems": 10_000, "items": EVENT},
     "tests": {"type": "array", "maxItems": 100, "items": TEST},
     "session_events": {"type": "array", "maxItems": 10_000, "items": ADDED_EVENT}},
    required=["id", "uuid", "patient_id", "exercise", "source", "status", "started_at", "ended_at",
              "schema_version", "app_version", "algorithm_version", "settings", "programme_version", "sets",
              "events", "tests"])

DIARY = {"type": "array", "maxItems": 100_000, "items": _obj(
    {"patient": _str(64), "day": {"type": "string", "pattern": _DAY}, "fatigue": _int(0, diary.SCALE_MAX, True),
     "pain": _int(0, diary.SCALE_MAX, True), "falls": _int(0, diary.COUNT_MAX), "near_falls": _int(0, diary.COUNT_MAX),
     "freezing": _int(0, diary.COUNT_MAX), "note": _str(diary.NOTE_MAX, pattern=None), "updated_at": TIME_OR_NULL},
    required=["patient", "day"])}

CLIP = _obj({"id": _int(1, 2 ** 53), "uuid": {"type": "string", "pattern": _UUID}, "patient": _str(64),
             "recorded_at": TIME, "duration_s": {"type": "number", "exclusiveMinimum": 0,
                                                 "maximum": clips.MAX_CLIP_S + 1.0},
             "note": TEXT, "video": {"type": "boolean"}, "n_frames": _int(0, 1_000_000),
             "pose_coverage": _num(0, 1), "app_version": _str(32), "track_sha256": {"type": "string", "pattern": _SHA},
             "video_file": {"type": ["string", "null"], "maxLength": 100},
             "video_sha256": {"type": ["string", "null"], "pattern": _SHA}},
            required=["uuid", "patient", "recorded_at", "duration_s", "track_sha256"])

_VALIDATORS = {name: Draft202012Validator(schema) for name, schema in
               {"manifest": MANIFEST, "patient": PATIENT, "programmes": PROGRAMMES, "session": SESSION,
                "diary": DIARY, "clip": CLIP}.items()}
for _v in _VALIDATORS.values():
    _v.check_schema(_v.schema)


NAN_ALLOWED_IN = ("metrics", "details")  # a measurement the exercise could not make; nowhere else


def _nan_at(data, path=()) -> tuple | None:
    if isinstance(data, float) and math.isnan(data):
        return path
    if isinstance(data, dict):
        items = [] if path and path[-1] in NAN_ALLOWED_IN else data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    return next((found for k, v in items if (found := _nan_at(v, path + (k,))) is not None), None)


def check(kind: str, data, where: str) -> None:
    """Raise ValueError naming the first problem (the most relevant one) of a ``kind`` member."""
    nan = _nan_at(data)
    if nan is not None:  # JSON Schema's ranges let NaN through (every comparison is false)
        raise ValueError(f"{where}: NaN is not a value (at {'/'.join(str(p) for p in nan)})")
    error = best_match(_VALIDATORS[kind].iter_errors(data))
    if error is not None:
        at = "/".join(str(p) for p in error.absolute_path)
        message = error.message if len(error.message) <= 300 else error.message[:300] + "..."
        raise ValueError(f"{where}: {message}" + (f" (at {at})" if at else ""))


def check_session(data, where: str) -> None:
    """A session, its format version first: a newer coach's session is refused as such."""
    version = data.get("schema_version") if isinstance(data, dict) else None
    if isinstance(version, int) and not isinstance(version, bool) and version > SCHEMA_VERSION:
        raise ValueError(f"{where} was made by a newer coach (session format {version}; this coach reads up to "
                         f"{SCHEMA_VERSION}): update this coach before importing the file")
    check("session", data, where)


def when(value: str | None, what: str, where: str) -> datetime | None:
    """An ISO time from a bundle, in UTC, between ``EARLIEST`` and a day past now."""
    if value is None:
        return None
    try:
        t = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{where}: {what} {value[:40]!r} is not a time") from None
    t = t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    if not EARLIEST <= t <= datetime.now(timezone.utc) + timedelta(days=1):
        raise ValueError(f"{where}: {what} {value[:40]} is not a plausible time (before 2000 or in the future)")
    return t
