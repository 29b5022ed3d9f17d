"""What may reach the app's server at all, checked before Streamlit sees a request.

``coach app`` serves the pages through ``coach_server.py`` (a documented ``st.App`` with this
middleware in front of Streamlit's own), so every HTTP request and WebSocket handshake passes here:

- **Host names.** Only the app's own names are answered: ``localhost``, ``127.0.0.1`` and ``::1``,
  plus the names a clinic lists in ``COACH_APP_HOSTS`` (comma separated; ``coach app --host-name``
  and a non-local ``--address`` add to it). Any other ``Host`` gets 400: a web page that rebinds its
  own DNS name to 127.0.0.1 (``rebind.attacker.example``) cannot read the patient's pages.
- **Origin.** A WebSocket handshake or a request that changes something (PUT, POST, DELETE) whose
  ``Origin`` is not the host and port it was sent to is refused (403). Streamlit's own check compares
  Origin with Host too, but a rebinding page controls both: the host allowlist above is what stops it.
- **Uploads.** ``/_stcore/upload_file/<session>/<file>``: where a login exists, only a session that
  has logged in may upload (403 otherwise); the size must be declared (411 without
  ``Content-Length``); what one session holds (stored and in flight) stays under the app's upload
  limit plus framing, and what all sessions hold under ``COACH_APP_UPLOADS_TOTAL_MB`` (default
  three times the limit), 413 beyond. Streamlit keeps uploads in memory until the page saves them
  (it then releases them, ``coach.app.uploads.release``) or the session ends; a session whose
  browser has gone keeps them forever in Streamlit 1.67 (a disconnected session that expires is
  never shut down), so when a WebSocket closes, the uploads of every session without one are dropped.
"""
from __future__ import annotations

import os
import re
import threading
from collections import defaultdict
from urllib.parse import urlsplit

from coach.app.settings import LOCAL_ADDRESSES, AppSettings

HOSTS_ENV = "COACH_APP_HOSTS"
TOTAL_ENV = "COACH_APP_UPLOADS_TOTAL_MB"
UPLOAD_PATH = re.compile(r"^/_stcore/upload_file/(?P<session>[^/]+)/(?P<file>[^/]+)/?$")
FRAMING_BYTES = 1024 * 1024  # multipart boundaries and headers around the file itself
CHANGING = frozenset({"PUT", "POST", "DELETE", "PATCH"})
WILDCARD = frozenset({"0.0.0.0", "::", ""})


def drop_orphan_uploads() -> int:
    """Forget the uploads Streamlit holds for sessions with no open WebSocket; how many sessions."""
    try:
        from streamlit.runtime import Runtime

        runtime = Runtime.instance()
        manager = runtime.uploaded_file_mgr
        gone = [s for s in list(getattr(manager, "file_storage", {})) if not runtime.is_active_session(s)]
    except (RuntimeError, AttributeError):
        return 0
    for session in gone:
        manager.remove_session_files(session)
    if gone:
        give_back_memory()
    return len(gone)


def give_back_memory() -> None:
    """Hand freed heap pages back to the system (glibc keeps them otherwise: the server's memory
    would stay at its peak after a large upload is dropped). Nothing happens elsewhere."""
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def host_name(value: str | None) -> str | None:
    """The lower-case name in a ``Host`` header (``name:port``, ``[::1]:port``), or None."""
    if not value:
        return None
    try:
        name = urlsplit(f"//{value.strip()}").hostname
    except ValueError:
        return None
    return name.rstrip(".").lower() if name else None


def origin_name(value: str | None) -> str | None:
    """The host named by an ``Origin`` header, or None when it names none (``null``)."""
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return parts.hostname.rstrip(".").lower() if parts.hostname and parts.scheme in ("http", "https") else None


def same_origin(origin: str, host: str | None) -> bool:
    """True when ``Origin`` names the host and port the request was sent to (``Host``), as a page
    of this app does; another program on this computer (another port) is another origin."""
    try:
        o, h = urlsplit(origin.strip()), urlsplit(f"//{(host or '').strip()}")
        default = {"http": 80, "https": 443}.get(o.scheme)
        return default is not None and origin_name(origin) == host_name(host) and \
            (o.port or default) == (h.port or default)
    except ValueError:
        return False


def allowed_hosts(env: dict | None = None) -> frozenset[str]:
    """This computer's loopback names and the clinic's names from ``COACH_APP_HOSTS``."""
    env = os.environ if env is None else env
    extra = (host_name(n) for n in env.get(HOSTS_ENV, "").split(",") if n.strip())
    return frozenset({*LOCAL_ADDRESSES, *(n for n in extra if n and n not in WILDCARD)})


def total_upload_cap(settings: AppSettings, env: dict | None = None) -> int:
    env = os.environ if env is None else env
    try:
        mb = float(env.get(TOTAL_ENV, 0))
    except ValueError:
        mb = 0
    return int(mb * 2**20) if mb > 0 else 3 * settings.max_upload_bytes


class UploadLedger:
    """Bytes reserved by uploads in flight, per session (the stored ones are Streamlit's)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._flight: dict[str, int] = defaultdict(int)

    def reserve(self, session: str, size: int, stored: dict[str, int], session_cap: int, total_cap: int) -> bool:
        with self._lock:
            mine = stored.get(session, 0) + self._flight[session] + size
            total = sum(stored.values()) + sum(self._flight.values()) + size
            if mine > session_cap or total > total_cap:
                if not self._flight[session]:
                    del self._flight[session]
                return False
            self._flight[session] += size
            return True

    def release(self, session: str, size: int) -> None:
        with self._lock:
            self._flight[session] -= size
            if self._flight[session] <= 0:
                del self._flight[session]


def stored_upload_bytes(replacing: tuple[str, str] | None = None) -> dict[str, int]:
    """Bytes Streamlit holds per session in its uploaded-file manager ({} when it has none); the file
    ``replacing`` (session, file id) is left out, as a new upload under the same id replaces it."""
    try:
        from streamlit.runtime import Runtime

        storage = getattr(Runtime.instance().uploaded_file_mgr, "file_storage", {})
        sessions = list(storage.items())
    except (RuntimeError, AttributeError):
        return {}
    out: dict[str, int] = {}
    for session, files in sessions:
        out[session] = sum(len(rec.data) for fid, rec in list(files.items()) if (session, fid) != replacing)
    return out


class Guard:
    """ASGI middleware: the checks in this module's docstring, for HTTP and WebSocket alike."""

    def __init__(self, app, env: dict | None = None) -> None:
        self.app = app
        self.env = os.environ if env is None else env
        self.hosts = allowed_hosts(self.env)
        self.ledger = UploadLedger()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        if host_name(headers.get("host")) not in self.hosts:
            await self._refuse(scope, receive, send, 400, "This exercise coach does not answer to this name. If it "
                                "should, start it with: coach app --host-name NAME (or set COACH_APP_HOSTS).")
            return
        method = scope.get("method", "GET")
        origin = headers.get("origin")
        if (scope["type"] == "websocket" or method in CHANGING) and origin is not None \
                and not same_origin(origin, headers.get("host")):
            await self._refuse(scope, receive, send, 403, "Requests from another site are refused.")
            return
        match = UPLOAD_PATH.match(scope.get("path", ""))
        if scope["type"] == "http" and method == "PUT" and match:
            await self._upload(scope, receive, send, headers, match["session"], match["file"])
            return
        try:
            await self.app(scope, receive, send)
        finally:
            if scope["type"] == "websocket":  # a browser session has gone (or will be resumed)
                drop_orphan_uploads()

    async def _upload(self, scope, receive, send, headers: dict, session: str, file_id: str) -> None:
        from coach.app import auth

        settings = AppSettings.from_env(self.env)
        if auth.login_required(settings, auth.server_address(), headers) and not auth.logged_in(session):
            await self._refuse(scope, receive, send, 403, "Log in first.")
            return
        try:
            size = int(headers["content-length"])
        except (KeyError, ValueError):
            await self._refuse(scope, receive, send, 411, "The upload must declare its size.")
            return
        cap = settings.max_upload_bytes + FRAMING_BYTES
        stored = stored_upload_bytes(replacing=(session, file_id))
        if size < 0 or not self.ledger.reserve(session, size, stored, cap, total_upload_cap(settings, self.env)):
            await self._refuse(scope, receive, send, 413, "Too much is being uploaded. Please try again later.")
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.ledger.release(session, size)

    @staticmethod
    async def _refuse(scope, receive, send, status: int, text: str) -> None:
        if scope["type"] == "websocket":
            await receive()  # websocket.connect
            await send({"type": "websocket.close", "code": 1008})  # policy violation: handshake answered 403
            return
        body = text.encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
