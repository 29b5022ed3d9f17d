"""Who may see patient data.

Authentication is never decided from the client's address: behind a reverse proxy on the same
host (the normal way to add TLS) every visitor arrives from 127.0.0.1. The rules:

- ``COACH_APP_PASSWORD`` set: every browser session logs in with it, whatever its address.
- The physio's pages (``coach app --physio``) always need the password; without one they refuse.
- No password: only the patient's own pages, only on a server bound to this computer's loopback
  address and only for requests that did not come through a proxy (no forwarding headers).
  Anything else refuses to show patient data and says how to set the password.

Failed logins are throttled per client (``coach.app.throttle``), not per browser session.

A reload is a new browser session: so that it does not log the physio out, a login also gives the
browser a random token in a cookie (``SameSite=Strict``, this server's path, 8 hours) that the
server keeps in memory only; a reload within those hours presents it and is logged in again. A
server restart forgets every token (log in again).
"""
from __future__ import annotations

import hmac
import ipaddress
import secrets
import threading
import time

import streamlit as st

from coach.app.settings import LOCAL_ADDRESSES, AppSettings
from coach.app.throttle import THROTTLE

AUTH_KEY = "coach_logged_in"
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host", "x-forwarded-proto")
_LOGGED_IN: set[str] = set()  # Streamlit session ids that gave the password (read by coach.app.guard)
_LOGGED_IN_LOCK = threading.Lock()
COOKIE = "coach_login"
TOKEN_TTL_S = 8 * 3600  # a working day
_TOKENS: dict[str, float] = {}  # login token -> when it expires (monotonic); memory only
_COOKIE_PENDING = "coach_login_cookie"  # the token still to hand to the browser after a login


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    if address in LOCAL_ADDRESSES:
        return True
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def proxied(headers: dict) -> bool:
    """True when a forwarding proxy stands between the browser and this server."""
    return any(h in headers for h in PROXY_HEADERS)


def login_required(settings: AppSettings, server_address: str | None, headers: dict) -> bool:
    """True unless this is a patient-mode server on loopback, with no password set and no proxy."""
    return bool(settings.password) or settings.physio or not is_loopback(server_address) or proxied(headers)


def client_key(peer: str | None, headers: dict) -> str:
    """Whom to count failed logins against: the peer; behind a proxy on this host, the address the
    proxy added last to X-Forwarded-For (earlier entries are the client's own claim)."""
    forwarded = headers.get("x-forwarded-for", "")
    if is_loopback(peer) and forwarded:
        return forwarded.split(",")[-1].strip() or (peer or "unknown")
    return peer or "unknown"


def password_ok(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def server_address() -> str | None:
    return st.get_option("server.address")


def _session_id() -> str | None:
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx is not None else None


def _active(session: str) -> bool:
    try:
        from streamlit.runtime import Runtime

        return Runtime.instance().is_active_session(session)
    except RuntimeError:  # no server (AppTest)
        return False


def remember_login(session: str | None) -> None:
    """Note that this browser session logged in (sessions that have ended are forgotten)."""
    if not session:
        return
    with _LOGGED_IN_LOCK:
        _LOGGED_IN.difference_update([s for s in _LOGGED_IN if s != session and not _active(s)])
        _LOGGED_IN.add(session)


def logged_in(session: str) -> bool:
    """True when the Streamlit session ``session`` is live and has logged in (the upload guard)."""
    with _LOGGED_IN_LOCK:
        return session in _LOGGED_IN and _active(session)


def _headers() -> dict:
    try:
        return {k.lower(): v for k, v in dict(st.context.headers).items()}
    except Exception:  # noqa: BLE001 - no request context (AppTest)
        return {}


def gate(settings: AppSettings) -> bool:
    """Render the login form when one is needed; True when the page may show patient data."""
    headers = _headers()
    if not login_required(settings, server_address(), headers):
        return True
    if not st.session_state.get(AUTH_KEY) and token_valid(_cookie()):
        st.session_state[AUTH_KEY] = True  # a reload of a page that had logged in
        _restore_who(_cookie())
    if st.session_state.get(AUTH_KEY):
        remember_login(_session_id())
        _hand_over_cookie()
        return True
    st.title("Physiotherapist login" if settings.physio else "Exercise coach")
    named = settings.physio and _named_accounts()
    if named:
        return _named_login(headers)
    if not settings.password:
        why = ("The physiotherapist's pages need a password" if settings.physio else
               "This coach is reachable from other computers (or through a proxy), so it needs a password")
        st.error(f"{why}. Set COACH_APP_PASSWORD on the computer running it and start it again"
                 + ("." if settings.physio else ", or run it on this computer only (`coach app`)."))
        return False
    peer = getattr(st.context, "ip_address", None)
    client = client_key(peer if isinstance(peer, str) else None, headers)
    with st.form("login"):
        given = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        wait = THROTTLE.wait_s(client)
        if wait > 0:
            st.error(f"Too many wrong passwords. Please wait {wait:.0f} s and try again.")
            return False
        if password_ok(given, settings.password):
            THROTTLE.succeeded(client)
            st.session_state[AUTH_KEY] = True
            st.session_state[_COOKIE_PENDING] = new_token()
            remember_login(_session_id())
            st.rerun()
        wait = THROTTLE.failed(client)
        time.sleep(0.5)
        st.error("That password is not right." + (f" Please wait {wait:.0f} s before the next try." if wait else ""))
    return False


def new_token(now: float | None = None, who: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    now = time.monotonic() if now is None else now
    with _LOGGED_IN_LOCK:
        for old in [t for t, until in _TOKENS.items() if until <= now]:
            del _TOKENS[old]
            _TOKEN_WHO.pop(old, None)
        _TOKENS[token] = now + TOKEN_TTL_S
        if who:
            _TOKEN_WHO[token] = who
    return token


# --- named physio logins (issue 19: coach.sync.accounts) ----------------------------------------
_TOKEN_WHO: dict[str, str] = {}  # login token -> the named physio it logged in (memory only)


def _named_accounts() -> bool:
    """True when the clinic's database has physio accounts: then each physio logs in by name and the
    shared password no longer opens the physio's pages."""
    from coach.app import ui
    from coach.sync import accounts

    try:
        return accounts.have_accounts(ui.store())
    except Exception:  # noqa: BLE001 - no store yet: the page says so after the gate
        return False


def _restore_who(token: str | None) -> None:
    from coach.app.clinic_view import WHO_KEY

    with _LOGGED_IN_LOCK:
        who = _TOKEN_WHO.get(token or "")
    if who:
        st.session_state[WHO_KEY] = who


def _named_login(headers: dict) -> bool:
    from coach.app import ui
    from coach.app.clinic_view import WHO_KEY
    from coach.sync import accounts

    peer = getattr(st.context, "ip_address", None)
    client = client_key(peer if isinstance(peer, str) else None, headers)
    with st.form("login"):
        username = st.text_input("Username")
        given = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        wait = THROTTLE.wait_s(client)
        if wait > 0:
            st.error(f"Too many wrong passwords. Please wait {wait:.0f} s and try again.")
            return False
        account = accounts.check_login(ui.store(), username, given)
        if account is not None:
            THROTTLE.succeeded(client)
            st.session_state[AUTH_KEY] = True
            st.session_state[WHO_KEY] = account.username
            st.session_state[_COOKIE_PENDING] = new_token(who=account.username)
            remember_login(_session_id())
            accounts.audit(ui.store(), account.username, "login")
            st.rerun()
        wait = THROTTLE.failed(client)
        time.sleep(0.5)
        st.error("That username or password is not right."
                 + (f" Please wait {wait:.0f} s before the next try." if wait else ""))
    return False


def token_valid(token: str | None, now: float | None = None) -> bool:
    if not token:
        return False
    now = time.monotonic() if now is None else now
    with _LOGGED_IN_LOCK:
        until = _TOKENS.get(token)
        return until is not None and until > now


def _cookie() -> str | None:
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # noqa: BLE001 - no request context (AppTest)
        return None


def _hand_over_cookie() -> None:
    """Set the login cookie in the browser once after a login, from a zero-height script block of
    the same origin. The block is drawn on every logged-in run (empty when there is nothing to set),
    always in the same place in the sidebar, so that the page's own elements never shift and lose
    their state (an open expander would close) when it comes and goes."""
    import streamlit.components.v1 as components

    token = st.session_state.pop(_COOKIE_PENDING, None)
    script = (f"parent.document.cookie = '{COOKIE}={token}; path=/; max-age={TOKEN_TTL_S}; SameSite=Strict' + "
              "(parent.location.protocol === 'https:' ? '; Secure' : '');") if token else ""
    with st.sidebar:
        components.html(f"<script>{script}</script>", height=0)
