"""App settings, read from the environment when asked (never at import).

- ``COACH_DATA_DIR`` / ``COACH_DATABASE_URL``: where the store lives (see ``coach.store.paths``);
  uploads and replays go under ``<data dir>/app``.
- ``COACH_APP_ROLE``: ``patient`` (default: the patient's pages only) or ``physio`` (the physio's
  pages only, always behind the password). ``coach app --physio`` sets it.
- ``COACH_APP_PATIENT``: the patient this computer belongs to (``coach app --patient P001``); a
  home laptop never shows a list of patient codes.
- ``COACH_APP_PASSWORD``: the login password. When set, every browser session must give it (the
  client's address is never trusted: a reverse proxy on the same host looks local). Required for
  the physio role and for any address other than 127.0.0.1.
- ``COACH_APP_MAX_UPLOAD_MB``: largest video accepted (default 200).
- ``COACH_APP_MODEL``: pose model for analysis and live coaching: lite, full (default) or heavy.
- ``COACH_APP_VOICE``: spoken cues on this computer: auto (espeak-ng if installed, default) or none.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from coach.store import paths

MODELS = ("lite", "full", "heavy")
DEFAULT_MAX_UPLOAD_MB = 200
LOCAL_ADDRESSES = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class AppSettings:
    data_dir: Path
    database_url: str | None
    password: str | None
    max_upload_mb: float
    model: str
    voice: str = "auto"
    role: str = "patient"
    patient_id: str | None = None

    @classmethod
    def from_env(cls, env: dict | None = None) -> AppSettings:
        env = os.environ if env is None else env
        try:
            max_mb = float(env.get("COACH_APP_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))
        except ValueError:
            max_mb = DEFAULT_MAX_UPLOAD_MB
        model = env.get("COACH_APP_MODEL", "full")
        return cls(data_dir=paths.data_dir(), database_url=env.get("COACH_DATABASE_URL") or None,
                   password=env.get("COACH_APP_PASSWORD") or None,
                   max_upload_mb=max_mb if max_mb > 0 else DEFAULT_MAX_UPLOAD_MB,
                   model=model if model in MODELS else "full",
                   voice=env.get("COACH_APP_VOICE", "auto") or "auto",
                   role="physio" if env.get("COACH_APP_ROLE", "").strip().lower() == "physio" else "patient",
                   patient_id=(env.get("COACH_APP_PATIENT") or "").strip() or None)

    @property
    def physio(self) -> bool:
        return self.role == "physio"

    @property
    def app_dir(self) -> Path:
        """Scratch space of the app (uploads, replays), inside the data directory."""
        return self.data_dir / "app"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
