"""``coach app``: the browser app (``streamlit run streamlit_app.py``), on this computer only
unless told otherwise.

- ``coach app [--patient P001]``: the patient's pages only (a home laptop).
- ``coach app --physio``: the physio's pages only, behind COACH_APP_PASSWORD.

The server replaces this process (exec), so stopping ``coach app`` (Ctrl-C, kill) stops the
server; a port already in use gives one line saying so. The server's own upload limit is the
app's (COACH_APP_MAX_UPLOAD_MB), so nothing bigger is ever held in its memory. The server is
``coach_server.py``: the same pages behind ``coach.app.guard`` (only this computer's host names and
the clinic's ``--host-name``/COACH_APP_HOSTS are answered; uploads only after login).
"""
from __future__ import annotations

import errno
import os
import socket
import sys
from pathlib import Path

APP_SCRIPT = Path(__file__).resolve().parents[2] / "streamlit_app.py"
SERVER_SCRIPT = APP_SCRIPT.with_name("coach_server.py")  # APP_SCRIPT's pages behind coach.app.guard
LOCAL = ("127.0.0.1", "localhost", "::1")


def register(subparsers) -> None:
    p = subparsers.add_parser("app", help="open the browser app (patient pages; --physio for the physio's)",
                              description="Start the browser app. It listens on 127.0.0.1 (this computer) "
                                          "unless --address says otherwise, which needs COACH_APP_PASSWORD.")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; anything else requires COACH_APP_PASSWORD)")
    p.add_argument("--physio", action="store_true",
                   help="the physiotherapist's pages (patients, review, progress, programme); needs COACH_APP_PASSWORD")
    p.add_argument("--patient", metavar="ID", default=None,
                   help="the patient this computer belongs to (patient pages; no list of codes is ever shown)")
    p.add_argument("--host-name", action="append", default=[], metavar="NAME",
                   help="a name browsers use to reach this server (e.g. coach.clinic.example behind a proxy); "
                        "repeatable. Only localhost, 127.0.0.1, ::1 and these are answered")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.set_defaults(func=run_app)


def max_upload_mb(env=None) -> int:
    from coach.app.settings import AppSettings

    return max(1, int(AppSettings.from_env(env).max_upload_mb))


def command(args, env=None) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(SERVER_SCRIPT),
            "--server.address", args.address, "--server.port", str(args.port),
            "--server.headless", "true" if args.no_browser else "false",
            "--server.maxUploadSize", str(max_upload_mb(env)),
            "--browser.gatherUsageStats", "false"]


def environment(args, env=None) -> dict:
    env = dict(os.environ if env is None else env)
    env["COACH_APP_ROLE"] = "physio" if args.physio else "patient"
    if args.patient:
        env["COACH_APP_PATIENT"] = args.patient
    names = [n for n in env.get("COACH_APP_HOSTS", "").split(",") if n.strip()] + list(getattr(args, "host_name", None) or [])
    if args.address not in LOCAL and args.address not in ("0.0.0.0", "::"):
        names.append(args.address)  # a browser may use the address it was given
    if names:
        env["COACH_APP_HOSTS"] = ",".join(n.strip() for n in names)
    return env


def check(args, env=None) -> None:
    env = os.environ if env is None else env
    if not 1 <= args.port <= 65535:
        raise ValueError(f"--port must be between 1 and 65535, got {args.port}")
    if args.physio and args.patient:
        raise ValueError("--physio and --patient do not go together: the physio's pages show every patient")
    named = args.physio and not env.get("COACH_APP_PASSWORD") and _named_logins(env)
    if args.address not in LOCAL and not env.get("COACH_APP_PASSWORD") and not named:
        raise ValueError(f"listening on {args.address} makes patient data reachable from other computers: "
                         "set COACH_APP_PASSWORD first (or leave --address at 127.0.0.1)")
    if args.physio and not env.get("COACH_APP_PASSWORD") and not named:
        raise ValueError("the physio's pages need a password: set COACH_APP_PASSWORD first, or add named "
                         "physio logins (coach clinic add-physio NAME)")


def _named_logins(env) -> bool:
    """True when the database has physio accounts (``coach clinic add-physio``): each physio logs in by name."""
    from coach.store import Store
    from coach.sync import accounts

    try:
        with Store.open(env.get("COACH_DATABASE_URL") or None, recover=False, backup_every=None) as store:
            return accounts.have_accounts(store)
    except Exception:  # noqa: BLE001 - no database yet: no accounts
        return False


def port_free(address: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((address, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return False
            raise
    return True


def run_app(args) -> int:
    check(args)
    for script in (APP_SCRIPT, SERVER_SCRIPT):
        if not script.exists():
            raise FileNotFoundError(f"{script} is missing from this installation")
    try:
        import streamlit  # noqa: F401
    except ModuleNotFoundError:
        raise ValueError("the browser app needs streamlit: pip install 'rehab-coach[app]'") from None
    host = "localhost" if args.address in LOCAL else args.address
    if not port_free("127.0.0.1" if args.address == "localhost" else args.address, args.port):
        raise ValueError(f"port {args.port} on {host} is already in use (is the coach already open? "
                         f"Open http://{host}:{args.port} or use --port {args.port + 1})")
    role = "physio" if args.physio else "patient"
    print(f"coach: {role} app on http://{host}:{args.port} (Ctrl-C stops it)", file=sys.stderr)
    sys.stderr.flush()
    os.chdir(APP_SCRIPT.parent)
    cmd = command(args)
    os.execve(cmd[0], cmd, environment(args))  # the server becomes this process: stopping one stops both
    return 0  # not reached
