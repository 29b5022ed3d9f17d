"""``coach diary add`` / ``show``: one entry per day, replaced when written again, weekly counts."""
from __future__ import annotations

import json

from coach.cli import main
from coach.store import Store


def test_add_replace_and_show(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'd' / 'coach.db'}"
    with Store.open(url, fallback_dirs=[tmp_path / "u"]) as s:
        s.add_patient("P001")
    args = ["--db", url]
    assert main(["diary", "add", "P001", "--day", "2026-11-30", "--fatigue", "4", "--pain", "2", "--falls", "0",
                 "--near-falls", "1", "--freezing", "2", "--note", "froze at the door", *args]) == 0
    assert "saved the diary of P001 for Mon 30 Nov 2026" in capsys.readouterr().out
    assert main(["diary", "add", "P001", "--day", "2026-11-30", "--fatigue", "6", "--freezing", "3", *args]) == 0
    assert capsys.readouterr().out.startswith("replaced")
    assert main(["diary", "add", "P001", "--day", "2026-12-02", "--fatigue", "2", "--pain", "4", "--falls", "1", *args]) == 0
    assert main(["diary", "add", "P001", "--day", "2026-12-08", "--pain", "5", *args]) == 0
    capsys.readouterr()
    assert main(["diary", "show", "P001", "--json", *args]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(e["day"], e["fatigue"], e["pain"], e["freezing"], e["note"]) for e in shown["entries"]] == [
        ("2026-11-30", 6, None, 3, ""), ("2026-12-02", 2, 4, 0, ""), ("2026-12-08", None, 5, 0, "")]
    assert shown["weeks"] == [
        {"week_start": "2026-11-30", "days_with_entries": 2, "mean_fatigue": 4.0, "mean_pain": 4.0, "falls": 1,
         "near_falls": 0, "freezing": 3},
        {"week_start": "2026-12-07", "days_with_entries": 1, "mean_fatigue": None, "mean_pain": 5.0, "falls": 0,
         "near_falls": 0, "freezing": 0}]
    assert main(["diary", "show", "P001", *args]) == 0
    table = capsys.readouterr().out
    assert "Wed 02 Dec 2026  fatigue 2/10, pain 4/10, falls 1" in table and "30 Nov 2026     2     4.0" in table


def test_bad_values_and_unknown_patient(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'd' / 'coach.db'}"
    with Store.open(url, fallback_dirs=[tmp_path / "u"]) as s:
        s.add_patient("P001")
    for bad in (["--fatigue", "11"], ["--pain", "-1"], ["--falls", "two"], ["--day", "30/11/2026"]):
        try:
            code = main(["diary", "add", "P001", *bad, "--db", url])
        except SystemExit as e:  # argparse refuses before anything is opened
            code = e.code
        assert code == 2, bad
    assert "not '11'" in capsys.readouterr().err
    assert main(["diary", "add", "NOPE", "--fatigue", "1", "--db", url]) == 2
    assert "No patient 'NOPE'" in capsys.readouterr().err
    with Store.open(url, fallback_dirs=[tmp_path / "u"]) as s:
        assert s.diary_entries("P001") == []
