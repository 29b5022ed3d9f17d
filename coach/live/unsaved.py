"""After a live session the database did not take (a full disk): keep it, keep saying so, retry.

The session stays in the recorder's memory (and in its journal when one could be written) while
the patient is told, in plain words, what to do; each retry asks the recorder to try again. The
caller exits non-zero if the session is still not in the database, naming where it is kept: the
next start of the coach replays that journal.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable

EXIT_NOT_SAVED = 4
RETRY_EVERY_S = 5.0
DEFAULT_WAIT_S = 120.0  # how long the coach keeps trying before it gives up (COACH_SAVE_WAIT_S)


def wait_s_from_env(env=os.environ) -> float:
    try:
        return max(0.0, float(env.get("COACH_SAVE_WAIT_S", DEFAULT_WAIT_S)))
    except ValueError:
        return DEFAULT_WAIT_S


def keep_trying(recorder, why: str, say: Callable[[str], None], wait_s: float,
                every_s: float = RETRY_EVERY_S, sleep=time.sleep) -> bool:
    """Retry until the recorder has saved everything or ``wait_s`` has passed; True when saved.
    Ctrl+C stops the waiting (the journal, if any, stays for the next start)."""
    say(f"Your session is NOT saved yet: {why}")
    deadline = time.monotonic() + wait_s
    try:
        while True:
            if recorder.flush(timeout_s=min(every_s, 2.0)):
                say("Your session is saved now. Thank you.")
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            say(f"Still not saved: please free some space on the disk. Trying again every {every_s:.0f} s "
                f"for another {left:.0f} s (Ctrl+C stops waiting).")
            sleep(min(every_s, left))
    except KeyboardInterrupt:
        return False


def final_words(recorder) -> str:
    """What the patient (and the physio's log) is told when the coach gives up waiting."""
    path, whole = recorder.journal
    if path and whole:
        return (f"the session is kept in {path}: it will be saved the next time the coach starts "
                "with space free on the disk")
    if path:
        return (f"the part of the session recorded before the disk filled is kept in {path} and will be saved "
                "the next time the coach starts with space free; the rest could not be written anywhere")
    return ("the session could not be written anywhere (the disk is full): free some space and record it again")
