"""Space held back for the session journal, released when the disk fills up.

A full disk must not cost the patient the session they are doing. When recording starts, a
ballast file (``.reserve``) is kept in the private journal folder; when a journal write then fails
for lack of space, the ballast is deleted and the write is tried again, so the session's journal
(and with it the next start's recovery) survives until the patient has freed some space.
"""
from __future__ import annotations

import errno
import logging
import os
import shutil
from pathlib import Path

log = logging.getLogger(__name__)

RESERVE_NAME = ".reserve"
RESERVE_BYTES = 16 * 1024 * 1024  # about 10 minutes of journal with the landmark track (~1.6 MB a minute)


def ensure(folder: Path, size: int = RESERVE_BYTES) -> bool:
    """Keep a ballast of ``size`` bytes in ``folder`` (already private); only while the disk has
    room to spare (twice the ballast), never taking a nearly full disk's last space."""
    path = folder / RESERVE_NAME
    try:
        if path.exists() and path.stat().st_size >= size:
            return True
        if shutil.disk_usage(folder).free < 2 * size:
            return False
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            try:
                os.posix_fallocate(fd, 0, size)  # real blocks, not a sparse file
            except (AttributeError, OSError):
                os.ftruncate(fd, 0)
                block = b"\0" * (1 << 20)
                for _ in range(size // len(block)):
                    os.write(fd, block)
        finally:
            os.close(fd)
        return True
    except OSError as e:
        log.warning("could not keep space in reserve in %s: %s", folder, e)
        path.unlink(missing_ok=True)
        return False


def release(folder: Path) -> bool:
    """Free the ballast; True if there was one."""
    path = folder / RESERVE_NAME
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as e:
        log.warning("could not release the space kept in reserve (%s): %s", path, e)
        return False
    log.warning("the disk is full: the space kept in reserve (%s) was released for the session journal", path)
    return True


def is_disk_full(exc: BaseException) -> bool:
    return getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in str(exc)
