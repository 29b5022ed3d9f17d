"""``coach consent P001 --video yes|no``: the patient's consent to keeping videos.

Withdrawing it deletes every video already kept for the patient (sessions and clips); their
landmark tracks, reps and notes stay (``coach.store.consent``).
"""
from __future__ import annotations


def register(subparsers) -> None:
    p = subparsers.add_parser("consent", help="give or withdraw the patient's consent to keeping videos",
                              description="Withdrawing consent deletes the videos already kept; the landmarks stay.")
    p.add_argument("patient")
    p.add_argument("--video", choices=("yes", "no"), required=True, help="yes: videos may be kept; no: none is kept")
    p.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")
    p.set_defaults(func=run_consent)


def run_consent(args) -> int:
    from coach.store import Store

    with Store.open(args.db) as store:
        before = _videos(store, args.patient)
        store.update_patient(args.patient, video_opt_in=args.video == "yes")
        if args.video == "yes":
            print(f"Patient {args.patient}: videos may be kept from now on (with each session that records one).")
        else:
            print(f"Patient {args.patient}: consent to video withdrawn; {before} video(s) deleted. "
                  "Their landmarks, reps and notes are kept.")
    return 0


def _videos(store, patient_id: str) -> int:
    folder = store.media_dir / "videos" / patient_id
    return sum(1 for f in folder.iterdir() if f.is_file()) if folder.is_dir() else 0
