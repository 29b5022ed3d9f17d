"""Failed-login throttle per client, shared by every browser session of this server process.

A new tab is a new Streamlit session, so counting failures in the session would let a guesser
reset the count by reloading. Here failures are counted per client key (its address; behind a
reverse proxy on this host, the address the proxy puts last in X-Forwarded-For) and each further
failure doubles the wait before the next try is accepted.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

FREE_TRIES = 3  # failures before any wait
BASE_WAIT_S = 2.0
MAX_WAIT_S = 300.0
FORGET_AFTER_S = 3600.0
MAX_CLIENTS = 10_000  # bounded memory even when the keys are forged


@dataclass
class _Entry:
    failures: int = 0
    blocked_until: float = 0.0
    last: float = 0.0


class LoginThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._clients: dict[str, _Entry] = {}

    def wait_s(self, client: str) -> float:
        """Seconds this client must wait before its next try is even checked (0: may try)."""
        with self._lock:
            e = self._clients.get(client)
            return 0.0 if e is None else max(0.0, e.blocked_until - self._clock())

    def failed(self, client: str) -> float:
        """Count a failure; return the wait now imposed on this client."""
        now = self._clock()
        with self._lock:
            self._forget_old(now)
            e = self._clients.setdefault(client, _Entry())
            e.failures += 1
            e.last = now
            extra = e.failures - FREE_TRIES - 1
            wait = 0.0 if extra < 0 else min(MAX_WAIT_S, BASE_WAIT_S * 2 ** extra)
            e.blocked_until = now + wait
            return wait

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._clients.pop(client, None)

    def _forget_old(self, now: float) -> None:
        if len(self._clients) < MAX_CLIENTS:
            stale = [k for k, e in self._clients.items() if now - e.last > FORGET_AFTER_S]
        else:  # full: drop the oldest half
            stale = sorted(self._clients, key=lambda k: self._clients[k].last)[: MAX_CLIENTS // 2]
        for k in stale:
            del self._clients[k]


THROTTLE = LoginThrottle()  # one per server process: every session shares it
