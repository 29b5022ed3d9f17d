"""Keeps MediaPipe's native log lines (written straight to file descriptor 2) off the terminal.

Python's own ``sys.stderr`` (progress bars, our error messages, tracebacks) is moved to a copy
of the real stderr first, so only the native chatter is silenced. Used by the CLI only, never
at import time.
"""
from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def native_stderr_silenced(enabled: bool = True):
    if not enabled:
        yield
        return
    sys.stderr.flush()
    saved_fd = os.dup(2)
    original = sys.stderr
    sys.stderr = os.fdopen(os.dup(saved_fd), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        sys.stderr.close()
        sys.stderr = original
