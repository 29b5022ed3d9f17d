"""Tables of the clinic service (schema v4): paired devices, pairing codes, deliveries, physio
accounts, the audit log, alerts marked seen and per-patient alert settings; and the laptop's
outbox. Defined on ``coach.store.schema.metadata`` so that a fresh database gets them with the
rest; ``coach.store.migrations`` adds them to an older one.

A database plays one role or the other (a clinic's or a laptop's) but holds both sets of tables:
they are small, and the same code opens either.
"""
from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from coach.store.schema import metadata

# --- the clinic's side ------------------------------------------------------------------------

# One row per paired laptop: only the SHA-256 of its token is kept, never the token.
sync_devices = Table(
    "sync_devices", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("name", String(128), nullable=False, default=""),  # what the laptop called itself
    Column("paired_at", DateTime(timezone=True), nullable=False),
    Column("paired_by", String(128), nullable=False, default=""),  # who made the pairing code
    Column("last_seen_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", String(128), nullable=False, default=""),
)

# One-time pairing codes: the hash only; used once, then marked; expire after a day.
sync_pairing_codes = Table(
    "sync_pairing_codes", metadata,
    Column("code_sha256", String(64), primary_key=True),
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(128), nullable=False, default=""),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

# Every delivery a device made (or tried): when, what it carried, what was added.
sync_deliveries = Table(
    "sync_deliveries", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("device_id", Integer, ForeignKey("sync_devices.id", ondelete="CASCADE"), nullable=False),
    Column("patient_id", String(64), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("payload_sha256", String(64), nullable=False),
    Column("outcome", String(16), nullable=False),  # "added" / "refused"
    Column("summary", Text, nullable=False, default=""),
)

physio_accounts = Table(
    "physio_accounts", metadata,
    Column("username", String(64), primary_key=True),
    Column("display_name", String(128), nullable=False, default=""),
    Column("password_hash", Text, nullable=False),  # argon2id, from argon2-cffi
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled_at", DateTime(timezone=True)),
)

# Who viewed, changed, excluded or exported what (append-only).
audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("who", String(128), nullable=False),
    Column("action", String(32), nullable=False),  # "view", "change", "exclude", "export", "login", ...
    Column("patient_id", String(64), nullable=False, default=""),
    Column("target", String(256), nullable=False, default=""),  # "session 12", "programme v3", ...
    Column("detail", Text, nullable=False, default=""),
)

alerts_seen = Table(
    "alerts_seen", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), nullable=False),
    Column("alert_key", String(200), nullable=False),
    Column("seen_by", String(128), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("patient_id", "alert_key"),
)

alert_settings = Table(
    "alert_settings", metadata,
    Column("patient_id", String(64), ForeignKey("patients.id", ondelete="CASCADE"), primary_key=True),
    Column("inactive_days", Integer, nullable=False),  # "no session for N days"
    Column("set_by", String(128), nullable=False, default=""),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

# --- the laptop's side --------------------------------------------------------------------------

# What is to go to the clinic: one row per item (a session by uuid, a clip by uuid, a diary day)
# with the fingerprint of what was queued; delivered when the clinic acknowledged that fingerprint.
sync_outbox = Table(
    "sync_outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("patient_id", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # "session" / "clip" / "diary"
    Column("item_key", String(64), nullable=False),  # uuid, or the diary day (ISO)
    Column("fingerprint", String(128), nullable=False),  # what the item looked like when queued
    Column("queued_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_try_at", DateTime(timezone=True)),
    Column("last_error", Text, nullable=False, default=""),
    Column("delivered_at", DateTime(timezone=True)),
    Column("delivered_fingerprint", String(128), nullable=False, default=""),
    UniqueConstraint("patient_id", "kind", "item_key"),
)

V4_TABLES = (sync_devices, sync_pairing_codes, sync_deliveries, physio_accounts, audit_log, alerts_seen,
             alert_settings, sync_outbox)
