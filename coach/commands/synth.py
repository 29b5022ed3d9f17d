"""``coach synth ...``: make a synthetic clip with exact ground truth (see ``coach.synth``)."""
from __future__ import annotations



def register(subparsers) -> None:
    # Its options belong to coach.synth's own parser: the CLI passes everything after "synth" on.
    p = subparsers.add_parser("synth", add_help=False, help="render a synthetic exercise clip with its ground truth")
    p.set_defaults(func=run_synth, passes_unknown_args=True)


def run_synth(args) -> int:
    from coach.synth.cli import build_parser, main

    return main(args.unknown_args) if args.unknown_args else (build_parser("coach synth").print_help() or 2)
