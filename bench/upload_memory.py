"""The app server's memory under hostile uploads (issue 17 case 9), measured on a real ``coach app``.

1. A physio server with a password: a browser session that has not logged in sends N uploads of
   SIZE MB under new file ids (what ``/_stcore/upload_file/<session>/<file>`` accepted before).
2. A patient server (no login on loopback): one session sends the same; then its WebSocket closes and
   the server's resident memory is read again once Streamlit has ended the session (its
   ``server.disconnectedSessionTTL``, shortened here to TTL seconds).

    python bench/upload_memory.py [--size-mb 190] [--count 4] [--ttl 5]

Prints each upload's HTTP status and the server's RSS (MB) before (after one session without uploads
has loaded the pages), after the uploads and after the session ended. Uses ``tests/reliability/test_hostile_app.py``'s helpers.
"""
from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.reliability.test_hostile_app import _in_session, _put, _rss_mb, start_app, stop_app  # noqa: E402


def run(label: str, size_mb: float, count: int, ttl: int, *args: str, **env: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, xsrf = start_app(Path(tmp), *args, COACH_APP_MAX_UPLOAD_MB="200",
                                     STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL=str(ttl), **env)
        try:
            # one session that stays while its page runs to the end: the pages' imports are not the uploads'
            asyncio.run(_in_session(port, xsrf, lambda sid: time.sleep(10)))
            time.sleep(ttl + 5)
            before = _rss_mb(proc.pid)
            peak = [before]

            def work(sid):
                out = []
                for i in range(count):
                    out.append(_put(port, sid, xsrf, int(size_mb * 2**20), f"f{i}"))
                    peak.append(_rss_mb(proc.pid))
                return out

            statuses = asyncio.run(_in_session(port, xsrf, work))
            after = _rss_mb(proc.pid)
            time.sleep(ttl + 10)  # the session's TTL, and a little for the server to end it
            ended = _rss_mb(proc.pid)
        finally:
            stop_app(proc)
    print(f"{label}: {count} x {size_mb:g} MB -> {statuses}; RSS {before:.0f} MB before, peak {max(peak):.0f}, "
          f"{after:.0f} after the uploads, {ended:.0f} after the session ended")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-mb", type=float, default=190)
    ap.add_argument("--count", type=int, default=4)
    ap.add_argument("--ttl", type=int, default=5)
    a = ap.parse_args()
    run("physio, not logged in", a.size_mb, a.count, a.ttl, "--physio", COACH_APP_PASSWORD="bench-pw")
    run("patient, no login (loopback)", a.size_mb, a.count, a.ttl, "--patient", "P001")


if __name__ == "__main__":
    main()
