"""``coach share export P001 FILE`` / ``coach share import FILE``: a patient's record in one file,
from a home laptop to the physio's coach (see ``coach.store.bundle``)."""
from __future__ import annotations

from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("share", help="export a patient's record to one file, or import one",
                              description="Share bundle: sessions, landmarks and test scores (video only "
                                          "with --with-video and the patient's consent) in one file.")
    sub = p.add_subparsers(dest="share_command", metavar="export|import", required=True)
    e = sub.add_parser("export", help="write the patient's bundle")
    e.add_argument("patient")
    e.add_argument("file", type=Path)
    e.add_argument("--with-video", action="store_true", help="include videos (only if the patient agreed to video)")
    e.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")
    e.set_defaults(func=run_export)
    i = sub.add_parser("import", help="add a bundle's sessions (never twice)")
    i.add_argument("file", type=Path)
    i.add_argument("--as-patient", metavar="CODE", default=None,
                   help="import under this (new) patient code: the file's code is here for another person")
    i.add_argument("--db", default=None, help="database URL (default: COACH_DATABASE_URL or the local SQLite file)")
    i.set_defaults(func=run_import)


def run_export(args) -> int:
    from coach.store import Store
    from coach.store.bundle import export_bundle

    if args.file.exists() and args.file.is_dir():
        raise ValueError(f"{args.file} is a folder: give a file name, e.g. {args.file / (args.patient + '.coachbundle')}")
    with Store.open(args.db) as store:
        path = export_bundle(store, args.patient, args.file, include_video=args.with_video)
        video = store.patient(args.patient).video_opt_in
    note = "" if not args.with_video or video else " (no video: the patient has not agreed to video recording)"
    print(f"wrote {path} ({path.stat().st_size:,} bytes) for patient {args.patient}{note}")
    return 0


def run_import(args) -> int:
    from coach.store import Store
    from coach.store.bundle import import_bundle

    if not args.file.is_file():
        raise FileNotFoundError(f"no bundle file {args.file}")
    with Store.open(args.db) as store:
        report = import_bundle(store, args.file, as_patient=args.as_patient)
    print(f"imported {args.file}: {report.describe()}")
    return 0
