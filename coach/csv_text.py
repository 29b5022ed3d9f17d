"""CSV a physio opens in a spreadsheet: text cells that cannot run as formulas, and the one
per-rep table (``reps.csv`` of ``coach analyze`` and of the physio's export)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from exercises.base import Rep

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula
REP_COLUMNS = ("session", "set", "seq", "rep", "counted", "start_s", "end_s", "duration_s", "side", "confidence",
               "faults", "reason")  # then one column per metric, by name


def safe_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def csv_text(header: Sequence, rows: Iterable[Sequence]) -> str:
    """CSV whose text cells cannot run as spreadsheet formulas: a cell that starts with = + - @, a tab
    or a carriage return gets a leading ' (numbers stay numbers)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow([safe_cell(c) for c in header])
    w.writerows([safe_cell(c) for c in row] for row in rows)
    return buf.getvalue()


def reps_csv(reps: Iterable[tuple[int | None, int | None, int, Rep]]) -> str:
    """The one ``reps.csv``: a row per rep and per uncounted attempt, from (session id, set number,
    order in the set, rep); session and set are blank for a video analysed without the record.
    ``reason`` says why an attempt did not count, or why a hold ended; times and metrics in seconds
    and the metric's own unit, to the thousandth."""
    reps = list(reps)
    metric_keys = sorted({k for *_, r in reps for k in r.metrics})
    rows = [[session, set_no, seq, r.index, int(r.counted), _fmt(r.start_s), _fmt(r.end_s),
             _fmt(r.end_s - r.start_s), r.side, r.confidence, ";".join(r.fault_codes), r.reason,
             *[_fmt(r.metrics.get(k)) for k in metric_keys]] for session, set_no, seq, r in reps]
    return csv_text([*REP_COLUMNS, *metric_keys], rows)


def _fmt(value) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if isinstance(value, float) else str(value)
