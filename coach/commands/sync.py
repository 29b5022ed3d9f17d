"""``coach sync``: send what is new to the clinic and fetch the programme, once (or ``--watch``:
every few seconds until stopped, as the app does in the background). Exit code 0 when everything
went, 3 when something is still waiting (the clinic or the network is away: it stays in the outbox
and goes with the next sync), 2 when this laptop is not paired."""
from __future__ import annotations

import time

from coach.commands.common import add_db_option


def register(subparsers) -> None:
    p = subparsers.add_parser("sync", help="send new sessions, tests, diary and clips to the clinic; fetch the programme",
                              description="Sync with the clinic this laptop is paired with (coach pair).")
    p.add_argument("--watch", action="store_true", help="keep syncing every --every seconds until stopped")
    p.add_argument("--every", type=float, default=30.0, help="seconds between syncs with --watch (default 30)")
    add_db_option(p)
    p.set_defaults(func=run_sync)


def run_sync(args) -> int:
    from coach.store import Store
    from coach.sync import client, outbox

    with Store.open(args.db) as store:
        while True:
            result = client.sync_once(store, force=not args.watch)
            if not result.paired:
                raise ValueError("this computer is not paired with a clinic: coach pair CODE --clinic URL")
            print(_line(result, outbox.last_delivery(store, client.load_pairing(store).patient_id)), flush=True)
            if not args.watch:
                return 0 if not result.pending else 3
            time.sleep(max(1.0, args.every))


def _line(result, last) -> str:
    parts = [f"sent {result.delivered} item(s)" if result.delivered else "nothing new sent"]
    if result.pending:
        parts.append(f"{result.pending} waiting in the outbox")
    if result.programme_version:
        parts.append(f"programme version {result.programme_version}" + (" (new)" if result.programme_updated else ""))
    if last:
        parts.append(f"last delivered {last.astimezone():%Y-%m-%d %H:%M}")
    if result.error:
        parts.append(result.error)
    return "; ".join(parts)
