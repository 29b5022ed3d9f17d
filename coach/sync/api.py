"""The clinic's HTTP API (ASGI, Starlette), served by uvicorn beside the physio's app and behind the
same TLS reverse proxy (see the README's clinic section). JSON in and out, except the pushed payload.

    GET  /api/v1/health                      {"ok": true}
    POST /api/v1/pair       {"code", "device"} -> {"token", "device_id", "patient": {...}}
    POST /api/v1/push       share bundle (zip) -> {"received_at", "summary", "sessions_added", ...}
    GET  /api/v1/programme                   -> {"patient", "versions": [{version, body, ...}]}

``push`` and ``programme`` need ``Authorization: Bearer <device token>``; ``push`` also needs
``X-Coach-Signature: sha256=<HMAC-SHA256(token, body)>``. Refusals answer ``{"error": "..."}``: 401
unknown or revoked token, 403 another patient's payload or a bad pairing code, 400 a signature that
does not match (changed on the way), 413 too large, 422 a payload the import refuses (nothing of it
is written), 429 too many failed pairing codes from one client, 503 the clinic's database could not take it just now
(the laptop keeps it and sends it again). Imports for one patient run one at a time.
"""
from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timezone

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sqlalchemy.exc import SQLAlchemyError

from coach.store.errors import StoreError, driver_message
from coach.sync import clinic, tokens

DEFAULT_MAX_PAYLOAD_MB = 512
PAIR_FREE_TRIES = 5  # failed pairing codes per client before it must wait
PAIR_WAIT_S = 60.0


class _PairThrottle:
    """Failed pairing codes per client (the proxy's last X-Forwarded-For entry, else the peer)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._fails: dict[str, tuple[int, float]] = {}

    def wait_s(self, client: str) -> float:
        with self._lock:
            n, until = self._fails.get(client, (0, 0.0))
        return max(0.0, until - time.monotonic()) if n >= PAIR_FREE_TRIES else 0.0

    def failed(self, client: str) -> None:
        with self._lock:
            n, _ = self._fails.get(client, (0, 0.0))
            if len(self._fails) > 10_000:
                self._fails.clear()
            self._fails[client] = (n + 1, time.monotonic() + PAIR_WAIT_S * 2 ** max(0, n + 1 - PAIR_FREE_TRIES))

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._fails.pop(client, None)


def _client(request: Request) -> str:
    forwarded = request.headers.get("x-forwarded-for", "")
    peer = request.client.host if request.client else "unknown"
    return forwarded.split(",")[-1].strip() if forwarded and peer in ("127.0.0.1", "::1") else peer


def _bearer(request: Request) -> str | None:
    value = request.headers.get("authorization", "")
    return value[7:].strip() if value.lower().startswith("bearer ") else None


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def build_app(store, max_payload_mb: float | None = None) -> Starlette:
    """The API over an open clinic ``Store`` (kept open for the app's life by the caller)."""
    if max_payload_mb is None:
        max_payload_mb = float(os.environ.get("COACH_SYNC_MAX_MB", DEFAULT_MAX_PAYLOAD_MB))
    max_bytes = int(max_payload_mb * 1024 * 1024)
    throttle = _PairThrottle()
    locks: dict[str, threading.Lock] = {}
    locks_guard = threading.Lock()

    def _receive_one_at_a_time(dev, body: bytes):
        """One import at a time per patient: two laptops (or a retry) never race on the same uuids."""
        with locks_guard:
            lock = locks.setdefault(dev.patient_id, threading.Lock())
        with lock:
            try:
                return clinic.receive(store, dev, body)
            except SQLAlchemyError as e:
                raise StoreError(driver_message(e)) from e

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    async def pair(request: Request) -> JSONResponse:
        client = _client(request)
        wait = throttle.wait_s(client)
        if wait > 0:
            return _error(429, f"Too many wrong pairing codes: wait {wait:.0f} s.")
        try:
            data = await request.json()
            code, name = str(data["code"]), str(data.get("device") or "")[:128]
        except Exception:  # noqa: BLE001 - anything that is not {"code": ...}
            return _error(400, 'Send {"code": "ABCD-EFGH", "device": "a name"}.')
        try:
            token, dev = await run_in_threadpool(clinic.redeem, store, code, name)
        except clinic.Refused as e:
            throttle.failed(client)
            return _error(e.status, str(e))
        throttle.succeeded(client)
        patient = await run_in_threadpool(clinic.patient_json, store, dev.patient_id)
        return JSONResponse({"token": token, "device_id": dev.id, "patient": patient})

    async def push(request: Request) -> JSONResponse:
        try:
            dev = await run_in_threadpool(clinic.device_for, store, _bearer(request))
        except clinic.Refused as e:
            return _error(e.status, str(e))
        declared = request.headers.get("content-length")
        if declared is None or not declared.isdigit():
            return _error(411, "Say the payload's length (Content-Length).")
        if int(declared) > max_bytes:
            return _error(413, f"The payload is larger than the clinic accepts ({max_payload_mb:g} MB).")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_bytes:
                return _error(413, f"The payload is larger than the clinic accepts ({max_payload_mb:g} MB).")
        body = bytes(body)
        if not tokens.signature_ok(_bearer(request), body, request.headers.get(tokens.SIGNATURE_HEADER)):
            return _error(400, "The payload does not match its signature (changed on the way): nothing was imported.")
        try:
            report = await run_in_threadpool(_receive_one_at_a_time, dev, body)
        except clinic.Refused as e:
            return _error(e.status, str(e))
        except StoreError as e:  # the clinic's database is busy or away: the laptop keeps it and tries again
            return _error(503, f"The clinic could not store it just now ({e}); it will be sent again.")
        return JSONResponse({"received_at": datetime.now(timezone.utc).isoformat(), "summary": report.describe(),
                             "sessions_added": report.sessions_added, "sessions_skipped": report.sessions_skipped,
                             "diary_days_added": report.diary_days_added, "clips_added": report.clips_added})

    async def programme(request: Request) -> JSONResponse:
        try:
            dev = await run_in_threadpool(clinic.device_for, store, _bearer(request))
        except clinic.Refused as e:
            return _error(e.status, str(e))
        await run_in_threadpool(clinic.seen, store, dev)
        versions = await run_in_threadpool(clinic.programme_versions, store, dev.patient_id)
        return JSONResponse({"patient": dev.patient_id, "versions": versions})

    return Starlette(routes=[Route("/api/v1/health", health), Route("/api/v1/pair", pair, methods=["POST"]),
                             Route("/api/v1/push", push, methods=["POST"]),
                             Route("/api/v1/programme", programme)])


def serve(store, host: str = "127.0.0.1", port: int = 8600) -> None:
    """Run the API until stopped (Ctrl-C). Plain HTTP on ``host``: put the TLS reverse proxy in front."""
    import uvicorn

    uvicorn.run(build_app(store), host=host, port=port, log_level="info", proxy_headers=False,
                server_header=False)
