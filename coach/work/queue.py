"""The clinic's job queue: procrastinate on the clinic's own PostgreSQL (no second datastore).

- ``ensure_schema`` creates procrastinate's tables and ``work_items`` once (under an advisory lock,
  so several workers starting together do not race); the app and ``coach worker`` both call it.
- ``enqueue`` stores an upload as a work item and defers its job (``queueing_lock`` = the item id:
  never two jobs for one upload).
- ``run_worker`` runs one worker process: one job at a time (analysis is CPU-bound: run one worker
  per core, on as many machines as the clinic likes). Each worker also sweeps for stalled jobs:
  a job whose worker stopped sending heartbeats (killed, machine lost) is retried once; a second
  stall fails it (``items.MAX_RUNS``), so a video that crashes the worker cannot loop for ever.
"""
from __future__ import annotations

import asyncio
import logging
import os
import socket
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from coach.work import items

log = logging.getLogger(__name__)
QUEUE = "coach"
TASKS = {items.ANALYSIS: "coach_analysis", items.BUNDLE: "coach_bundle_import"}
_SCHEMA_LOCK = 727_001  # pg_advisory_xact_lock key for creating the queue's tables


@dataclass(frozen=True)
class WorkerOptions:
    heartbeat_s: float = 10.0  # how often a worker says it is alive
    stalled_after_s: float = 30.0  # a worker silent this long is dead: its job is retried
    sweep_every_s: float = 10.0  # how often each worker looks for stalled jobs
    name: str = ""
    burst: bool = False  # stop when the queue is empty (benchmarks), instead of waiting for jobs


def enabled(engine: Engine) -> bool:
    """Uploads go through the queue on PostgreSQL; a SQLite laptop analyses in the app's own thread."""
    return engine.dialect.name == "postgresql"


def conninfo(url: str) -> str:
    """A libpq connection string from the store's SQLAlchemy URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_schema(engine: Engine) -> None:
    """Create the queue's tables where they are missing (procrastinate's schema and ``work_items``)."""
    from procrastinate.schema import SchemaManager

    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SCHEMA_LOCK})
        if conn.execute(text("SELECT to_regclass('procrastinate_jobs')")).scalar() is None:
            with conn.connection.dbapi_connection.cursor() as cur:  # no parameters: its '%' stay as they are
                cur.execute(SchemaManager.get_schema())
        items.metadata.create_all(conn)


def make_app(url: str, sync: bool = False):
    """A procrastinate App on the store's database with the coach's tasks registered."""
    import procrastinate

    from coach.work import tasks

    connector = (procrastinate.SyncPsycopgConnector if sync else procrastinate.PsycopgConnector)(
        conninfo=conninfo(url))
    app = procrastinate.App(connector=connector)
    app.task(name=TASKS[items.ANALYSIS], queue=QUEUE, pass_context=True)(tasks.analysis_task)
    app.task(name=TASKS[items.BUNDLE], queue=QUEUE, pass_context=True)(tasks.bundle_task)
    return app


def enqueue(store, kind: str, owner: str, name: str, params: dict, payload: bytes,
            patient_id: str | None = None) -> str:
    """Queue an upload (``ANALYSIS``) or a bundle import (``BUNDLE``); return its item id."""
    ensure_schema(store.engine)
    with store.engine.begin() as conn:
        item_id = items.add(conn, kind, owner, name, params, payload, patient_id)
    defer(store.url, kind, item_id)
    return item_id


def defer(url: str, kind: str, item_id: str) -> None:
    app = make_app(url, sync=True)
    with app.open():
        app.tasks[TASKS[kind]].configure(queueing_lock=item_id).defer(item_id=item_id)


async def sweep_stalled(app, engine: Engine, stalled_after_s: float) -> list[int]:
    """Retry (once) the jobs of workers that stopped sending heartbeats; return their job ids."""
    from procrastinate.jobs import Status

    retried = []
    for job in await app.job_manager.get_stalled_jobs(queue=QUEUE, seconds_since_heartbeat=stalled_after_s):
        item_id = job.task_kwargs.get("item_id", "")
        with engine.connect() as conn:
            item = items.get(conn, item_id)
        if item is not None and item.runs >= items.MAX_RUNS:
            with engine.begin() as conn:
                items.fail(conn, item_id, f"the analysis was stopped {item.runs} times before it finished "
                                          "(a worker stopped)")
            await app.job_manager.finish_job(job, Status.FAILED, delete_job=False)
            log.warning("job %s (%s) stalled again: failed", job.id, item_id)
            continue
        await app.job_manager.retry_job(job)
        retried.append(job.id)
        log.warning("job %s (%s): its worker stopped; retried", job.id, item_id)
    return retried


def run_worker(store, options: WorkerOptions = WorkerOptions()) -> None:
    """Process jobs until stopped (SIGINT/SIGTERM) or, with ``burst``, until the queue is empty."""
    ensure_schema(store.engine)
    app = make_app(store.url)
    name = options.name or f"{socket.gethostname()}:{os.getpid()}"

    async def sweep_forever() -> None:
        while True:
            try:
                await sweep_stalled(app, store.engine, options.stalled_after_s)
            except Exception as exc:  # noqa: BLE001 - a sweep that fails is tried again later
                log.warning("stalled-job sweep failed: %s", exc)
            await asyncio.sleep(options.sweep_every_s)

    async def main() -> None:
        async with app.open_async():
            sweeper = asyncio.create_task(sweep_forever())
            try:
                await app.run_worker_async(
                    queues=[QUEUE], concurrency=1, name=name, wait=not options.burst,
                    update_heartbeat_interval=options.heartbeat_s, stalled_worker_timeout=options.stalled_after_s,
                    fetch_job_polling_interval=min(5.0, options.sweep_every_s), listen_notify=True,
                    additional_context={"store": store, "worker": name})
            finally:
                sweeper.cancel()

    asyncio.run(main())
