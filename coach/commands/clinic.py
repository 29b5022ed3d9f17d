"""``coach clinic ...``: the clinic's side of the service (run it where the clinic's database is,
``COACH_DATABASE_URL=postgresql+psycopg://...``).

    coach clinic serve [--host 127.0.0.1 --port 8600]   the sync API (put the TLS proxy in front)
    coach clinic pair-code P001 --by anna                a one-time code for the patient's laptop
    coach clinic devices [P001] / revoke DEVICE --by anna
    coach clinic add-physio anna --name "Anna B."      a named login (password asked twice)
    coach clinic audit [--patient P001]                  who viewed, changed, excluded, exported what
"""
from __future__ import annotations

import getpass
import os
import sys

from coach.commands.common import add_db_option


def register(subparsers) -> None:
    p = subparsers.add_parser("clinic", help="the clinic's service: sync API, pairing codes, devices, physio logins",
                              description="The clinic's side: serve the sync API, pair laptops, physio accounts.")
    sub = p.add_subparsers(dest="clinic_command", required=True,
                           metavar="serve|pair-code|devices|revoke|add-physio|audit")
    s = sub.add_parser("serve", help="serve the sync API (plain HTTP on --host: put the TLS reverse proxy in front)")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8600)
    s.set_defaults(func=run_serve)
    c = sub.add_parser("pair-code", help="a one-time pairing code for a patient's laptop (valid 24 h)")
    c.add_argument("patient")
    c.add_argument("--by", required=True, help="who gives it (the physio's name; audited)")
    c.set_defaults(func=run_code)
    d = sub.add_parser("devices", help="the paired laptops")
    d.add_argument("patient", nargs="?")
    d.set_defaults(func=run_devices)
    r = sub.add_parser("revoke", help="end a laptop's pairing (its token is refused from now on)")
    r.add_argument("device", type=int)
    r.add_argument("--by", required=True)
    r.set_defaults(func=run_revoke)
    a = sub.add_parser("add-physio", help="add a named physio login (password from the terminal, or "
                                          "COACH_NEW_PASSWORD)")
    a.add_argument("username")
    a.add_argument("--name", default="", help="the name shown and audited")
    a.set_defaults(func=run_add_physio)
    u = sub.add_parser("audit", help="the audit log, newest first")
    u.add_argument("--patient", default=None)
    u.add_argument("--limit", type=int, default=100)
    u.set_defaults(func=run_audit)
    for q in (s, c, d, r, a, u):
        add_db_option(q)


def run_serve(args) -> int:
    from coach.store import Store
    from coach.sync import api

    with Store.open(args.db) as store:
        print(f"clinic sync API on http://{args.host}:{args.port}/api/v1 (database {store.identity})", flush=True)
        api.serve(store, args.host, args.port)
    return 0


def run_code(args) -> int:
    from coach.store import Store
    from coach.sync import accounts, clinic

    with Store.open(args.db) as store:
        code = clinic.make_pairing_code(store, args.patient, by=args.by)
        accounts.audit(store, args.by, "pair", args.patient, "pairing code", "made on the command line")
    print(f"Pairing code for {args.patient}: {code} (once, within 24 hours). On the patient's laptop: "
          f"coach pair {code} --clinic https://<the clinic's address>")
    return 0


def run_devices(args) -> int:
    from coach.store import Store
    from coach.sync import clinic

    with Store.open(args.db) as store:
        found = clinic.devices(store, args.patient)
    if not found:
        print("No paired laptops.")
    for d in found:
        state = f"revoked {d.revoked_at:%Y-%m-%d %H:%M} by {d.revoked_by}" if d.revoked else "active"
        seen = f"{d.last_seen_at.astimezone():%Y-%m-%d %H:%M}" if d.last_seen_at else "never"
        print(f"{d.id}\t{d.patient_id}\t{d.name or '-'}\tpaired {d.paired_at.astimezone():%Y-%m-%d} by "
              f"{d.paired_by or '-'}\tlast seen {seen}\t{state}")
    return 0


def run_revoke(args) -> int:
    from coach.store import Store
    from coach.sync import accounts, clinic

    with Store.open(args.db) as store:
        try:
            dev = clinic.device(store, args.device)
            clinic.revoke(store, args.device, by=args.by)
        except KeyError as e:
            raise ValueError(str(e).strip("'")) from None
        accounts.audit(store, args.by, "revoke", dev.patient_id, f"device {dev.id}", dev.name)
    print(f"Device {args.device} ({dev.name or 'unnamed'}, patient {dev.patient_id}) can no longer sync.")
    return 0


def run_add_physio(args) -> int:
    from coach.store import Store
    from coach.sync import accounts

    password = os.environ.get("COACH_NEW_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise ValueError("give the password on a terminal (asked twice) or in COACH_NEW_PASSWORD")
        password = getpass.getpass(f"Password for {args.username}: ")
        if getpass.getpass("Again: ") != password:
            raise ValueError("the two passwords differ; nothing was saved")
    with Store.open(args.db) as store:
        account = accounts.add_physio(store, args.username, password, args.name)
    print(f"Added physio login {account.username!r} ({account.display_name}). The physio app now asks for a "
          f"username and password; the shared COACH_APP_PASSWORD no longer logs in.")
    return 0


def run_audit(args) -> int:
    from coach.store import Store
    from coach.sync import accounts

    with Store.open(args.db) as store:
        rows = accounts.audit_log(store, args.patient, args.limit)
    for r in rows:
        at = r["at"]
        print(f"{at:%Y-%m-%d %H:%M:%S}\t{r['who']}\t{r['action']}\t{r['patient_id'] or '-'}\t{r['target']}\t"
              f"{r['detail']}")
    return 0
