"""App settings, read from the environment when asked (never at import).

- ``COACH_DATA_DIR`` / ``COACH_DATABASE_URL``: where the store lives (see ``coach.store.paths``);
  uploads and replays go under ``<data dir>/app``.
- ``COACH_APP_PASSWORD``: the login password; required whenever the app is reachable from
  another machine (bound to a non-local address, or a request arrives from a non-local client).
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
                   voice=env.get("COACH_APP_VOICE", "auto") or "auto")

    @property
    def app_dir(self) -> Path:
        """Scratch space of the app (uploads, replays), inside the data directory."""
        return self.data_dir / "app"

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
