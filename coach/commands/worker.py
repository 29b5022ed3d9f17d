"""``coach worker [--db URL] [--burst]``: process the clinic's queued uploads and bundle imports.

Only for a clinic database on PostgreSQL (``COACH_DATABASE_URL=postgresql+psycopg://...``): run one
worker per CPU core on any number of machines that reach the database; they share the queue. A
worker that is killed mid-job loses nothing: another worker retries the job once (after
``--stalled-after`` seconds without its heartbeat) and the result is written once.
"""
from __future__ import annotations

import logging
import sys

from coach.commands.common import add_db_option
from coach.store.errors import StoreError


def register(subparsers) -> None:
    p = subparsers.add_parser("worker", help="a clinic's analysis worker: process queued uploads (PostgreSQL only)")
    add_db_option(p)
    p.add_argument("--burst", action="store_true", help="stop when the queue is empty instead of waiting for jobs")
    p.add_argument("--name", default="", help="this worker's name in the logs (default host:pid)")
    p.add_argument("--heartbeat", type=float, default=10.0, metavar="S", help="seconds between heartbeats")
    p.add_argument("--stalled-after", type=float, default=30.0, metavar="S",
                   help="a worker silent this long is taken as dead and its job retried (default 30)")
    p.add_argument("--sweep-every", type=float, default=10.0, metavar="S",
                   help="how often to look for stalled jobs (default 10)")
    p.set_defaults(func=worker_command)


def worker_command(args) -> int:
    from coach.store.store import Store
    from coach.work import queue

    if not (0 < args.heartbeat < args.stalled_after):
        print("coach: error: --heartbeat must be positive and shorter than --stalled-after", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        store = Store.open(args.db, recover=False, backup_every=None)
    except (StoreError, ValueError, OSError) as e:
        print(f"coach: error: {e}", file=sys.stderr)
        return 1
    try:
        if not queue.enabled(store.engine):
            print("coach: error: coach worker needs the clinic's PostgreSQL database (COACH_DATABASE_URL or --db); "
                  "a home SQLite record analyses uploads in the app itself", file=sys.stderr)
            return 2
        queue.run_worker(store, queue.WorkerOptions(heartbeat_s=args.heartbeat, stalled_after_s=args.stalled_after,
                                                    sweep_every_s=args.sweep_every, name=args.name, burst=args.burst))
    except KeyboardInterrupt:
        pass
    finally:
        store.close()
    return 0
