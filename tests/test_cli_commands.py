"""The CLI imports only the named command's module: its index of commands must match what the
modules add, and a command must parse the same way alone as with every other command loaded."""
from __future__ import annotations

import subprocess
import sys

from coach.cli import COMMAND_MODULES, build_parser


def _commands(parser) -> set[str]:
    sub = next(a for a in parser._actions if a.dest == "command")
    return set(sub.choices)


def test_the_index_names_every_command_and_only_those():
    assert _commands(build_parser()) == set(COMMAND_MODULES)
    for name in COMMAND_MODULES:
        assert name in _commands(build_parser(name))


def test_one_command_parses_alone_as_with_all_loaded():
    argv = ["analyze", "clip.mp4", "--exercise", "squat", "--no-video"]
    assert vars(build_parser("analyze").parse_args(argv)) == vars(build_parser().parse_args(argv))


def test_a_report_run_does_not_load_the_pose_model():
    code = ("import sys; from coach.cli import build_parser; build_parser('report'); "
            "print('mediapipe' in sys.modules, 'matplotlib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120).stdout.split()
    assert out[0] == "False"


def test_an_unknown_command_lists_them_all(capsys):
    from coach.cli import main

    try:
        main(["no-such-command"])
    except SystemExit as exc:
        assert exc.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err and "analyze" in err and "clinic" in err
