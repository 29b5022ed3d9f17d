"""``coach pair CODE --clinic https://coach.clinic.example``: pair this laptop with the clinic.

The physio's *Patients* page (or ``coach clinic pair-code P001``) gives a one-time code; typed here
once, it gives this laptop a device token of its own (kept in ``clinic.json`` beside the database,
readable by this user only) for that one patient, and fetches their programme. From then on
``coach sync`` and the app send what is new and fetch programme changes by themselves.
``coach pair --forget`` ends the pairing on this side.
"""
from __future__ import annotations

from coach.commands.common import add_db_option


def register(subparsers) -> None:
    p = subparsers.add_parser("pair", help="pair this laptop with the clinic (one-time code from the physio)",
                              description="Pair this laptop with the clinic's coach for automatic sync.")
    p.add_argument("code", nargs="?", help="the one-time pairing code, e.g. ABCD-EFGH")
    p.add_argument("--clinic", metavar="URL", help="the clinic's address, e.g. https://coach.clinic.example")
    p.add_argument("--name", default=None, help="what to call this computer at the clinic (default: its host name)")
    p.add_argument("--forget", action="store_true", help="end this laptop's pairing (the clinic may revoke it too)")
    add_db_option(p)
    p.set_defaults(func=run_pair)


def run_pair(args) -> int:
    from coach.store import Store
    from coach.sync import client

    with Store.open(args.db) as store:
        if args.forget:
            print("Pairing ended on this computer." if client.unpair(store) else "This computer was not paired.")
            return 0
        if not args.code or not args.clinic:
            raise ValueError("give the pairing code and the clinic's address: coach pair ABCD-EFGH --clinic URL")
        try:
            pairing = client.pair(store, args.clinic, args.code, args.name)
        except client.SyncError as e:
            raise ValueError(str(e)) from None
        programme = store.programme(pairing.patient_id)
    print(f"Paired with {pairing.clinic_url} for patient {pairing.patient_id}"
          + (f"; programme version {programme.version} is here." if programme else "; no programme there yet."))
    return 0
