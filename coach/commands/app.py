"""``coach app``: the browser app (``streamlit run streamlit_app.py``), on this computer only
unless told otherwise; another address needs COACH_APP_PASSWORD (the app asks for it)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

APP_SCRIPT = Path(__file__).resolve().parents[2] / "streamlit_app.py"
LOCAL = ("127.0.0.1", "localhost", "::1")


def register(subparsers) -> None:
    p = subparsers.add_parser("app", help="open the browser app (patient and physio pages)",
                              description="Start the browser app. It listens on 127.0.0.1 (this computer) "
                                          "unless --address says otherwise, which needs COACH_APP_PASSWORD.")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; anything else requires COACH_APP_PASSWORD)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    p.set_defaults(func=run_app)


def command(args) -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT),
            "--server.address", args.address, "--server.port", str(args.port),
            "--server.headless", "true" if args.no_browser else "false",
            "--browser.gatherUsageStats", "false"]


def check(args, env=None) -> None:
    env = os.environ if env is None else env
    if not 1 <= args.port <= 65535:
        raise ValueError(f"--port must be between 1 and 65535, got {args.port}")
    if args.address not in LOCAL and not env.get("COACH_APP_PASSWORD"):
        raise ValueError(f"listening on {args.address} makes patient data reachable from other computers: "
                         "set COACH_APP_PASSWORD first (or leave --address at 127.0.0.1)")


def run_app(args) -> int:
    check(args)
    if not APP_SCRIPT.exists():
        raise FileNotFoundError(f"{APP_SCRIPT} is missing from this installation")
    try:
        import streamlit  # noqa: F401
    except ModuleNotFoundError:
        raise ValueError("the browser app needs streamlit: pip install 'rehab-coach[app]'") from None
    print(f"coach: app on http://{'localhost' if args.address in LOCAL else args.address}:{args.port}", file=sys.stderr)
    return subprocess.call(command(args), cwd=str(APP_SCRIPT.parent))
