"""A session's durable local journal: every write of a recording, in a JSON Lines file, before
the database sees it.

Line 1 is a header (format, database, session uuid, reason); every further line is one op
(``coach.store.ops.to_json``). The recorder appends each op as it is made (flushed to the OS at
once, so ``kill -9`` loses nothing acknowledged; fsynced by its writer thread) and removes the file
once everything is in the database. While its recorder lives the file is held under an exclusive
``flock``, so another process opening the store never replays a journal that is still being
written. A line torn by a crash is dropped on reading; ``Store.recover_unsaved`` replays the rest.

The journal lives only in the user's private data folder: folders 0700, files 0600, and a file is
replayed only from a folder and as a file owned by this user that nobody else can write.
"""
from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from coach.store import ops as op_codec
from coach.store import reserve
from coach.store.ops import Op

try:
    import fcntl
except ImportError:  # pragma: no cover - not Linux/macOS: no cross-process lock
    fcntl = None

FORMAT = "rehab-coach-unsaved/1"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class UnsavedFile:
    path: Path
    database: str
    session_uuid: str
    ops: list[Op]


def private_dir(d: Path) -> Path:
    """Create ``d`` (0700) or check it: it must be ours and closed to group and others."""
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    st = os.lstat(d)
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISDIR(st.st_mode):
        raise OSError(f"{d} is not a folder")
    if st.st_uid != os.geteuid():
        raise OSError(f"{d} belongs to another user (uid {st.st_uid})")
    if st.st_mode & 0o077:
        os.chmod(d, 0o700)  # ours: close it (folders made by older versions were 0755)
    return d


def is_trusted_file(path: Path) -> str:
    """"" when ``path`` may be replayed, else why not."""
    try:
        dst = os.lstat(path.parent)
        st = os.lstat(path)
    except OSError as e:
        return str(e)
    me = os.geteuid()
    if dst.st_uid != me or dst.st_mode & 0o022:
        return f"its folder {path.parent} is not private to this user"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if st.st_uid != me:
        return f"it belongs to another user (uid {st.st_uid})"
    if st.st_mode & 0o022:
        return "others can write to it"
    return ""


class FallbackWriter:
    """Writes one session's journal to the first directory that accepts it."""

    def __init__(self, dirs: list[Path], database: str, session_uuid: str):
        self._dirs = dirs
        self._database = database
        self._uuid = session_uuid
        self._file = None
        self.path: Path | None = None

    def write_all(self, ops: list[Op], reason: str) -> Path | None:
        """(Re)write the file with ``ops``, keep it open and locked; its path, or None if no place took it."""
        header = {"format": FORMAT, "database": self._database, "session_uuid": self._uuid,
                  "written_at": datetime.now(timezone.utc).isoformat(), "reason": reason,
                  "pid": os.getpid()}
        lines = [json.dumps(header)] + [json.dumps(op_codec.to_json(o)) for o in ops]
        text = "\n".join(lines) + "\n"
        for d in self._dirs:
            target = d / f"session-{self._uuid}.jsonl"
            try:
                private_dir(d)
                new_file = _write_locked(target, text)
            except OSError as e:
                if not (reserve.is_disk_full(e) and reserve.release(d)):
                    log.warning("could not write the session journal in %s: %s", d, e)
                    continue
                try:  # the disk was full: again, in the space that was kept in reserve
                    new_file = _write_locked(target, text)
                except OSError as e2:
                    log.warning("could not write the session journal in %s: %s", d, e2)
                    continue
            self._close_file()
            if self.path and self.path != target:
                self._remove(self.path)
            self._file, self.path = new_file, target
            return target
        # Nothing could be written: an earlier journal (a part of the session) stays, open and
        # locked, for the next start to replay.
        return None

    def append(self, op: Op) -> bool:
        """Add one op (flushed to the OS); False if there is no file or it cannot be written."""
        if self._file is None:
            return False
        try:
            self._file.write(json.dumps(op_codec.to_json(op)) + "\n")
            self._file.flush()
            return True
        except OSError as e:
            log.warning("could not append to the session journal %s: %s", self.path, e)
            return False

    def sync(self) -> None:
        """fsync what was appended (from the writer thread: the live loop never waits on the disk)."""
        f = self._file
        if f is not None:
            try:
                os.fsync(f.fileno())
            except (OSError, ValueError):
                pass

    def discard(self) -> None:
        """Everything reached the database: the file is no longer needed."""
        if self.path:
            self._remove(self.path)
            self.path = None
        self._close_file()

    def release(self) -> None:
        """Unlock and close, keeping the file for the next start to replay."""
        self._close_file()

    def _close_file(self) -> None:
        if self._file is not None:
            try:
                self._file.close()
            except OSError:
                pass
            self._file = None

    @staticmethod
    def _remove(path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass


def _write_locked(target: Path, text: str):
    """Write ``text`` to a private temporary sibling, lock it and rename it to ``target``; the open
    file. A failed write leaves no temporary file behind."""
    tmp = target.with_suffix(".tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        new_file = open(tmp, "a", encoding="utf-8")
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    try:
        _lock(new_file)
        os.replace(tmp, target)
    except OSError:
        new_file.close()
        tmp.unlink(missing_ok=True)
        raise
    return new_file


def _lock(f) -> None:
    if fcntl is not None:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)


def in_use(path: Path) -> bool:
    """True while a live recorder (this process or another) holds the journal."""
    if fcntl is None:
        return False
    try:
        with open(path, "rb") as f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)
    except OSError:
        return True
    return False


def read(path: Path) -> UnsavedFile:
    """Parse a journal; a torn last line (crash mid-write) is skipped. Every op must belong to the
    header's session (a planted or spliced file is refused whole)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines:
        raise ValueError(f"{path}: empty")
    header = json.loads(lines[0])
    if header.get("format") != FORMAT:
        raise ValueError(f"{path}: not a rehab-coach unsaved-data file")
    ops: list[Op] = []
    for i, line in enumerate(lines[1:], start=2):
        try:
            ops.append(op_codec.from_json(json.loads(line)))
        except (ValueError, KeyError, TypeError) as e:
            if i == len(lines):
                log.warning("%s: dropping torn last line: %s", path, e)
            else:
                raise ValueError(f"{path} line {i}: unreadable ({e})") from e
    starts = [o for o in ops if isinstance(o, op_codec.SessionStart)]
    if any(s.uuid != header["session_uuid"] for s in starts) or len(starts) > 1:
        raise ValueError(f"{path}: its session start does not match its header")
    return UnsavedFile(path, header["database"], header["session_uuid"], ops)


def find(dirs: list[Path]) -> list[Path]:
    """Journals that may be replayed: in private folders, owned by this user (others are named in the log)."""
    out = []
    for d in dirs:
        if not d.is_dir():
            continue
        for p in sorted(d.glob("session-*.jsonl")):
            why = is_trusted_file(p)
            if why:
                log.warning("not replaying %s: %s", p, why)
                continue
            out.append(p)
    return out
