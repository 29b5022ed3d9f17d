"""The one reps.csv: the same columns for ``coach analyze`` and the physio's export, values as given."""
from __future__ import annotations

import csv
import io

from coach.csv_text import REP_COLUMNS, reps_csv
from exercises.base import Fault, Rep


def test_reps_csv_rows_hold_the_reps():
    reps = [Rep(1, 0.5, 2.25, metrics={"rom_deg": 81.23456},
                faults=(Fault("trunk_lean", 1.0), Fault("knee_valgus", 1.5))),
            Rep(0, 3.0, 3.8, counted=False, metrics={"hold_s": 0.8}, reason="-not high enough", side="left")]
    rows = list(csv.DictReader(io.StringIO(reps_csv([(7, 2, 1, reps[0]), (None, None, 2, reps[1])]))))
    assert list(rows[0]) == [*REP_COLUMNS, "hold_s", "rom_deg"]
    assert [rows[0][k] for k in ("session", "set", "seq", "rep", "counted")] == ["7", "2", "1", "1", "1"]
    assert float(rows[0]["duration_s"]) == 1.75 and float(rows[0]["rom_deg"]) == 81.235 and rows[0]["hold_s"] == ""
    assert rows[0]["faults"] == "knee_valgus;trunk_lean"
    assert rows[1]["session"] == "" and rows[1]["counted"] == "0" and rows[1]["side"] == "left"
    assert rows[1]["reason"] == "'-not high enough"  # text that a spreadsheet would run as a formula
