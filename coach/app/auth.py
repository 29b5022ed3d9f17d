"""Who may see patient data: anyone on this machine; others only after a password login.

The server binds to 127.0.0.1 by default (``.streamlit/config.toml``, ``coach app``). When it is
bound elsewhere, or a request comes from a non-loopback address, the page asks for the password
in ``COACH_APP_PASSWORD`` and shows nothing else until it is given; with no password configured
it refuses to show anything at all.
"""
from __future__ import annotations

import hmac
import ipaddress
import time

import streamlit as st

from coach.app.settings import LOCAL_ADDRESSES, AppSettings

AUTH_KEY = "coach_logged_in"
FAILS_KEY = "coach_login_failures"


def is_loopback(address: str | None) -> bool:
    if not address:
        return False
    if address in LOCAL_ADDRESSES:
        return True
    try:
        return ipaddress.ip_address(address.split("%")[0]).is_loopback
    except ValueError:
        return False


def login_required(server_address: str | None, client_ip: str | None) -> bool:
    """True unless both the bound address and the client are this machine.

    An unset server address means Streamlit listens on every interface: remote, so a login.
    A client address that cannot be read (tests, some proxies) counts as local only when the
    server itself is bound to loopback.
    """
    if not is_loopback(server_address):
        return True
    return client_ip is not None and not is_loopback(client_ip)


def password_ok(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def gate(settings: AppSettings) -> bool:
    """Render the login form when one is needed; True when the page may show patient data."""
    server_address = st.get_option("server.address")
    client_ip = getattr(st.context, "ip_address", None)
    client_ip = client_ip if isinstance(client_ip, str) else None  # unknown (e.g. in AppTest)
    if not login_required(server_address, client_ip) or st.session_state.get(AUTH_KEY):
        return True
    st.title("Exercise coach")
    if not settings.password:
        st.error("This coach is reachable from other computers, so it needs a password. "
                 "Set COACH_APP_PASSWORD on the computer running it, or run it on this computer only "
                 "(`coach app`, which listens on 127.0.0.1).")
        return False
    with st.form("login"):
        given = st.text_input("Password", type="password")
        submitted = st.form_submit_button("Log in", type="primary")
    if submitted:
        if password_ok(given, settings.password):
            st.session_state[AUTH_KEY] = True
            st.session_state.pop(FAILS_KEY, None)
            st.rerun()
        fails = st.session_state.get(FAILS_KEY, 0) + 1
        st.session_state[FAILS_KEY] = fails
        time.sleep(min(0.5 * fails, 5.0))  # slows guessing down
        st.error("That password is not right.")
    return False
