"""Unsaved writes kept in a JSON Lines file when the database cannot take them.

Line 1 is a header (format, database, session uuid, reason); every further line is one op
(``coach.store.ops.to_json``). Appending keeps each write O(1) however long the outage lasts, and a
line torn by a crash is simply dropped on reading. ``Store.recover_unsaved`` replays the files.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from coach.store import ops as op_codec
from coach.store.ops import Op

FORMAT = "rehab-coach-unsaved/1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnsavedFile:
    path: Path
    database: str
    session_uuid: str
    ops: list[Op]


class FallbackWriter:
    """Writes one session's pending ops to the first fallback directory that accepts them."""

    def __init__(self, dirs: list[Path], database: str, session_uuid: str):
        self._dirs = dirs
        self._database = database
        self._uuid = session_uuid
        self.path: Path | None = None

    def write_all(self, ops: list[Op], reason: str) -> Path | None:
        """(Re)write the file with every pending op; return its path, or None if no place took it."""
        header = {"format": FORMAT, "database": self._database, "session_uuid": self._uuid,
                  "written_at": datetime.now(timezone.utc).isoformat(), "reason": reason}
        lines = [json.dumps(header)] + [json.dumps(op_codec.to_json(o)) for o in ops]
        for d in self._dirs:
            target = d / f"session-{self._uuid}.jsonl"
            try:
                d.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".tmp")
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write("\n".join(lines) + "\n")
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, target)
            except OSError as e:
                log.warning("could not write unsaved data to %s: %s", d, e)
                continue
            if self.path and self.path != target:
                self._remove(self.path)
            self.path = target
            return target
        self.path = None
        return None

    def append(self, op: Op) -> bool:
        """Add one op to the existing file; False if there is none or it cannot be written."""
        if self.path is None:
            return False
        try:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(op_codec.to_json(op)) + "\n")
                f.flush()
                os.fsync(f.fileno())
            return True
        except OSError as e:
            log.warning("could not append unsaved data to %s: %s", self.path, e)
            return False

    def discard(self) -> None:
        """Everything reached the database: the file is no longer needed."""
        if self.path:
            self._remove(self.path)
            self.path = None

    @staticmethod
    def _remove(path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def read(path: Path) -> UnsavedFile:
    """Parse a fallback file; a torn last line (crash mid-write) is skipped."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    if header.get("format") != FORMAT:
        raise ValueError(f"{path}: not a rehab-coach unsaved-data file")
    ops: list[Op] = []
    for i, line in enumerate(lines[1:], start=2):
        try:
            ops.append(op_codec.from_json(json.loads(line)))
        except (ValueError, KeyError) as e:
            if i == len(lines):
                log.warning("%s: dropping torn last line: %s", path, e)
            else:
                raise ValueError(f"{path} line {i}: unreadable ({e})") from e
    return UnsavedFile(path, header["database"], header["session_uuid"], ops)


def find(dirs: list[Path]) -> list[Path]:
    return sorted(p for d in dirs if d.is_dir() for p in d.glob("session-*.jsonl"))
