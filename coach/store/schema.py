"""The database tables (SQLAlchemy Core), current version ``SCHEMA_VERSION``.

Core rather than ORM: the store hands plain dataclasses to reports and the UI, and
explicit statements keep every commit visible, which the crash-safety promise depends on.
Times: ``*_at`` are UTC wall-clock datetimes; ``*_s`` are seconds on the recording's own clock
(the pose timestamps the exercises see).
"""
from __future__ import annotations

from sqlalchemy import (
                        JSON,
                        Boolean,
                        Column,
                        Date,
                        DateTime,
                        Float,
                        ForeignKey,
                        Index,
                        Integer,
                        LargeBinary,
                        MetaData,
                        String,
                        Table,
                        Text,
                        UniqueConstraint,
)

SCHEMA_VERSION = 3

metadata = MetaData()

patients = Table(
    "patients", metadata,
    Column("id", String(64), primary_key=True),  # pseudonymous code chosen by the clinic, never a name
    Column("age", Integer),
    Column("sex", String(16)),  # "female" / "male" / "other" / ""
    Column("condition", String(64)),  # e.g. "stroke", "parkinsons", "ms"
    Column("affected_side", String(16)),  # "left" / "right" / "both" / "none"
    Column("notes", Text, nullable=False, default=""),
    Column("video_opt_in", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

programmes = Table(
    "programmes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),  # 1, 2, ... per patient; never edited, only superseded
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("author", String(128), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("body", JSON, nullable=False),  # Programme.to_dict(): exercises, progression rules
    UniqueConstraint("patient_id", "version"),
)

sessions = Table(
    "sessions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),  # lets a fallback file find its session
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("exercise", String(32), nullable=False),
    Column("source", String(256), nullable=False, default=""),  # "camera:0" or a video file
    Column("status", String(16), nullable=False),  # "recording" / "complete" / "stopped" / "interrupted"
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    Column("last_write_at", DateTime(timezone=True), nullable=False),  # heartbeat for crash detection
    Column("host", String(128), nullable=False, default=""),
    Column("pid", Integer),
    Column("schema_version", Integer, nullable=False),
    Column("app_version", String(32), nullable=False),
    Column("algorithm_version", String(64), nullable=False, default=""),
    Column("settings", JSON, nullable=False),
    Column("programme_version", Integer),
    Column("video_path", Text),  # relative to the media directory; only with the patient's opt-in
    Column("notes", Text, nullable=False, default=""),
    # v2: the physio can leave a session out of trends and suggestions; it is kept, marked, with who and why.
    Column("excluded", Boolean, nullable=False, default=False, server_default="0"),
    Column("excluded_by", String(128), nullable=False, default="", server_default=""),
    Column("excluded_reason", Text, nullable=False, default="", server_default=""),
    Column("excluded_at", DateTime(timezone=True)),
)

sets = Table(
    "sets", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("set_no", Integer, nullable=False),  # 1-based within the session
    Column("target_reps", Integer),
    Column("side", String(16), nullable=False, default=""),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("ended_at", DateTime(timezone=True)),
    UniqueConstraint("session_id", "set_no"),
)

reps = Table(
    "reps", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("set_id", Integer, ForeignKey("sets.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),  # order within the set, counting uncounted attempts too
    Column("rep_index", Integer, nullable=False),  # Rep.index: 1-based among counted reps, 0 otherwise
    Column("start_s", Float, nullable=False),
    Column("end_s", Float, nullable=False),
    Column("counted", Boolean, nullable=False),
    Column("confidence", String(8), nullable=False),
    Column("side", String(16), nullable=False, default=""),
    Column("view", String(16), nullable=False, default=""),  # camera view the rep was seen from
    Column("metrics", JSON, nullable=False),
    Column("extra", JSON, nullable=False),  # other Rep fields, see coach.store.repcodec
    UniqueConstraint("set_id", "seq"),
)

faults = Table(
    "faults", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("rep_id", Integer, ForeignKey("reps.id", ondelete="CASCADE"), nullable=False),
    Column("code", String(64), nullable=False),
    Column("time_s", Float, nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

events = Table(
    "events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(32), nullable=False),  # "fall_like", "camera_lost", "stopped_for_pain", ...
    Column("time_s", Float, nullable=False),
    Column("detail", Text, nullable=False, default=""),
    UniqueConstraint("session_id", "seq"),
)

pose_chunks = Table(
    "pose_chunks", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("set_id", Integer, ForeignKey("sets.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("t_start_s", Float, nullable=False),
    Column("t_end_s", Float, nullable=False),
    Column("n_frames", Integer, nullable=False),
    Column("data", LargeBinary, nullable=False),  # see coach.store.poses: compressed npz
    UniqueConstraint("set_id", "seq"),
)

test_results = Table(
    "test_results", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("test", String(32), nullable=False),  # exercises.validated_tests.TEST_IDS, e.g. "chair-stand-30s"
    Column("value", Float),  # None: the test could not be scored (the interpretation says why)
    Column("unit", String(16), nullable=False),
    Column("norm_low", Float),
    Column("norm_high", Float),
    Column("norm_source", Text, nullable=False, default=""),
    Column("interpretation", Text, nullable=False, default=""),
    # v2: the rest of exercises.validated_tests.TestResult
    Column("norm", Text, nullable=False, default="", server_default=""),
    Column("trust", String(8), nullable=False, default="ok", server_default="ok"),
    Column("flags", JSON),
    Column("details", JSON),
    Column("timing_uncertainty_s", Float),
    Column("cannot_score", Text, nullable=False, default="", server_default=""),
    UniqueConstraint("session_id", "seq"),
)

# v3: events any part of the coach adds to a stored session by its id (a balance loss during a hold),
# apart from the recorder's own ``events``, whose (session, seq) keys its journal replays rely on.
session_events = Table(
    "session_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"), nullable=False),
    Column("t_s", Float, nullable=False),  # on the session's own clock
    Column("kind", String(32), nullable=False),  # e.g. "balance_loss"
    Column("detail", Text, nullable=False, default=""),  # e.g. "step" / "drop"
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# v3: the patient's diary, one entry per patient and day (saving the day again replaces it)
diary_entries = Table(
    "diary_entries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),  # the patient's local calendar day
    Column("fatigue", Integer),  # 0-10, None: not answered
    Column("pain", Integer),  # 0-10, None: not answered
    Column("falls", Integer, nullable=False, default=0),
    Column("near_falls", Integer, nullable=False, default=0),
    Column("freezing", Integer, nullable=False, default=0),  # freezing-of-gait episodes
    Column("note", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("patient_id", "day"),
)

# v3: short clips the patient records for the physio ("freezing at the doorway"); the landmark track
# is always kept, the video only with the patient's consent (``patients.video_opt_in``)
clips = Table(
    "clips", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("uuid", String(36), nullable=False, unique=True),  # the key across databases (share bundles)
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("video_path", Text),  # relative to the media directory; None without consent
    Column("n_frames", Integer, nullable=False),
    Column("pose_coverage", Float, nullable=False),  # share of frames with a person found
    Column("poses", LargeBinary),  # coach.store.poses.encode_chunk of the whole clip
    Column("app_version", String(32), nullable=False, default=""),
)

V3_TABLES = (session_events, diary_entries, clips)

# v5: what a clinic's caseload showed missing (bench/caseload.py, 500 patients, a year each): a patient's
# sessions in time order, a rep's faults, a session's added events, a patient's clips. PostgreSQL does
# not index a foreign key by itself, so each of these was a scan of the whole table.
V5_INDEXES = (
    Index("ix_sessions_patient_started", sessions.c.patient_id, sessions.c.started_at),
    Index("ix_faults_rep", faults.c.rep_id),
    Index("ix_session_events_session", session_events.c.session_id),
    Index("ix_clips_patient_recorded", clips.c.patient_id, clips.c.recorded_at),
)

# v2 columns, added to v1 databases by coach.store.migrations
V2_COLUMNS = {
    "sessions": [("excluded", "BOOLEAN NOT NULL DEFAULT {false}"), ("excluded_by", "VARCHAR(128) NOT NULL DEFAULT ''"),
                 ("excluded_reason", "TEXT NOT NULL DEFAULT ''"), ("excluded_at", "{timestamp}")],
    "test_results": [("norm", "TEXT NOT NULL DEFAULT ''"), ("trust", "VARCHAR(8) NOT NULL DEFAULT 'ok'"),
                     ("flags", "JSON"), ("details", "JSON"), ("timing_uncertainty_s", "FLOAT"),
                     ("cannot_score", "TEXT NOT NULL DEFAULT ''")],
}

# v6: earlier versions of a diary day (a day saved again, or a newer copy arriving from the patient's
# laptop, keeps what it said before: a fall written on Monday and taken back on Tuesday stays seen)
diary_history = Table(
    "diary_history", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("day", Date, nullable=False),
    Column("fatigue", Integer),
    Column("pain", Integer),
    Column("falls", Integer, nullable=False, default=0),
    Column("near_falls", Integer, nullable=False, default=0),
    Column("freezing", Integer, nullable=False, default=0),
    Column("note", Text, nullable=False, default=""),
    Column("updated_at", DateTime(timezone=True), nullable=False),  # when that version was saved
    Column("replaced_at", DateTime(timezone=True), nullable=False),  # when a newer one took its place
    Index("ix_diary_history_patient_day", "patient_id", "day"),
)

# v7: each patient's alerts as their record stands (coach.sync.alerts.refresh, written in the transaction
# that changed the record), so the physio's "Needs attention" reads every patient's in one query instead
# of working them out patient by patient (500 patients: 34 s). All but the time-based "no session for N
# days", over the whole record (the 4-week window is a filter when read).
patient_alerts = Table(
    "patient_alerts", metadata,
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True),
    Column("alert_key", String(200), primary_key=True),  # coach.sync.alerts.Alert.key (alerts_seen's key)
    Column("seq", Integer, nullable=False),  # the order the alerts were made in (ties keep it)
    Column("kind", String(16), nullable=False),  # "fall", "near_fall", "balance", "pain", "regress"
    Column("day", Date),  # the patient's day it came from; None: the day it is read
    Column("text", Text, nullable=False),
    Column("look_at", Text, nullable=False),  # Alert.where
    Column("session_id", Integer),  # no foreign key: a discarded session refreshes its patient's alerts
    Column("t_s", Float),
)

# v7: when each patient's stored alerts were worked out, and by which logic (coach.sync.alerts.LOGIC); a
# patient without a row here (or with an older logic) is refreshed when next read
alert_state = Table(
    "alert_state", metadata,
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True),
    Column("logic", Integer, nullable=False),
    Column("refreshed_at", DateTime(timezone=True), nullable=False),
)

V7_TABLES = (patient_alerts, alert_state)
