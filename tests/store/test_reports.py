"""Reports: HTML/PDF content, CSV/JSON completeness, the CLI commands end to end."""
from __future__ import annotations

import argparse
import csv
import json
from datetime import datetime, timedelta, timezone

import pytest

from coach.reports import collect, write_report
from coach.reports.norms import interpret
from coach.commands import programme, report, sessions
from coach.store.repcodec import rep_from_json
from tests.store.factories import PROGRAMME_TOML, seed_history


@pytest.fixture
def history_store(store):
    ids = seed_history(store)
    store.mark_interrupted(stale_after=timedelta(0))  # session 4 was left open on purpose
    return store, ids


def test_report_files(history_store, tmp_path):
    store, ids = history_store
    h = collect(store, "P001")
    written = write_report(h, html_path=tmp_path / "r.html", pdf_path=tmp_path / "r.pdf",
                           csv_dir=tmp_path / "csv", json_path=tmp_path / "r.json")
    assert len(written) == 8
    page = (tmp_path / "r.html").read_text()
    for expected in ("Patient P001: 72 years, female, stroke", "Excessive forward trunk lean", "Stopped for pain",
                     "within the normal range for female, 70-74 years (10-15)", "Cut off", "data:image/png;base64,",
                     "Left / right symmetry", "Programme version 1", "30-second chair stand", "Range of motion (°)"):
        assert expected in page, expected
    # people's words only: no machine names, no "None", no UTC offsets
    for raw in ("rom_deg", "chair_stand_30s", "chair-stand-30s", ">None<", "+00:00", "sit-to-stand"):
        assert raw not in page, raw
    assert page.count("<img") == 4  # reps/duration, ROM, tests with norm band, symmetry
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")

    with open(tmp_path / "csv" / "reps.csv") as f:
        rows = list(csv.DictReader(f))
    total_reps = sum(len(store.load_session(i).reps) for i in ids)
    assert len(rows) == total_reps and {"rom_deg", "faults", "start_s"} <= set(rows[0])
    with open(tmp_path / "csv" / "faults.csv") as f:
        faults = list(csv.DictReader(f))
    assert faults[0]["code"] and float(faults[0]["time_s"]) > 0
    doc = json.loads((tmp_path / "r.json").read_text())
    assert [s["status"] for s in doc["sessions"]] == ["complete"] * 3 + ["interrupted", "stopped", "complete"]
    first = store.load_session(doc["sessions"][0]["id"])
    assert [rep_from_json(r) for r in doc["sessions"][0]["set_list"][0]["reps"]] == list(first.sets[0].reps)
    assert doc["programme"]["version"] == 1


def test_period_filter(history_store):
    store, _ = history_store
    h = collect(store, "P001", since=datetime(2026, 11, 5, tzinfo=timezone.utc),
                until=datetime(2026, 11, 9, tzinfo=timezone.utc))
    assert [s.started_at.day for s in h.sessions] == [6, 8]


def test_symmetry_and_rom_stats(history_store):
    store, _ = history_store
    first = collect(store, "P001").sessions[0]
    assert first.rom_by_side["left"] < first.rom_by_side["right"]  # affected left side moves less
    assert 0.8 < first.symmetry < 1.0


def test_norms():
    """One norms table: the reports' ``interpret`` is the scoring's, and old id spellings still read."""
    low = interpret("chair_stand_30s", 7, 72, "female")
    assert low.test == "chair-stand-30s" and (low.norm_low, low.norm_high) == (10, 15)
    assert "below the normal range for female, 70-74 years (10-15)" in low.interpretation
    assert "below_norm" in low.flags and "low_function" in low.flags
    t = interpret("five-times-sts", 17, 75, condition="parkinsons")
    assert t.norm_high == 12.6 and "Parkinson" in t.interpretation and "fall_risk_pd" in t.flags
    assert "no norm" in interpret("chair-stand-30s", 12, 45, "male").interpretation
    assert interpret("functional_reach", 20, None, condition="parkinsons").norm_low == 25.4
    assert interpret("functional-reach", 20, None).flags == ()  # 20 cm is above the general 15 cm cut-off
    with pytest.raises(ValueError, match="unknown test 'hop'"):
        interpret("hop", 3)


def _cli(db_url, *argv) -> int:
    parser = argparse.ArgumentParser(prog="coach")
    sub = parser.add_subparsers(required=True)
    for module in (programme, report, sessions):
        module.register(sub)
    args = parser.parse_args([*argv[:2], "--db", db_url, *argv[2:]] if argv[0] == "programme"
                             else [argv[0], "--db", db_url, *argv[1:]])
    return args.func(args)


def test_cli(history_store, db_url, tmp_path, capsys):
    store, _ = history_store
    assert _cli(db_url, "sessions", "--patient", "P001", "--json") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [s["status"] for s in listed][3] == "interrupted" and listed[0]["reps"] == 16

    assert _cli(db_url, "report", "P001", "--from", "2026-11-04", "--to", "2026-11-08",
                "--html", str(tmp_path / "r.html"), "--pdf", str(tmp_path / "r.pdf")) == 0
    assert (tmp_path / "r.pdf").stat().st_size > 10_000
    assert "2026-11-02" not in (tmp_path / "r.html").read_text().split("Sessions")[1]

    bad = tmp_path / "bad.toml"
    bad.write_text(PROGRAMME_TOML.replace('"heel-raise"', '"cartwheel"'))
    capsys.readouterr()
    assert _cli(db_url, "programme", "import", "P001", str(bad)) == 1
    assert "bad.toml line 15: exercise 2 (cartwheel): unknown exercise" in capsys.readouterr().err

    assert _cli(db_url, "programme", "set", "P001", "heel-raise", "reps=12", "days=['mon','thu']") == 0
    assert _cli(db_url, "programme", "export", "P001", str(tmp_path / "out.toml")) == 0
    assert "reps = 12" in (tmp_path / "out.toml").read_text()
    assert _cli(db_url, "programme", "import", "P001", str(tmp_path / "out.toml")) == 0
    assert store.programme("P001").version == 3
    assert _cli(db_url, "today", "P001") == 0
    assert "Today" in capsys.readouterr().out
    assert _cli(db_url, "programme", "accept", "P001", "squat") == 1


def test_excluded_sessions_leave_trends_and_test_scores(history_store):
    store, ids = history_store
    before = collect(store, "P001")
    store.exclude_session(ids[0], by="physio A", reason="wrong patient")
    after = collect(store, "P001")
    assert len(after.sessions) == len(before.sessions)  # still listed
    assert [s.record.summary.id for s in after.sessions if s.excluded] == [ids[0]]
    assert ids[0] not in [s.record.summary.id for s in after.trend_sessions]
    assert len(after.tests) == len(before.tests) - 1
    assert all(s.record.summary.status != "interrupted" for s in after.trend_sessions)


def test_pdf_columns_never_break_a_word():
    """Each column is at least as wide as its longest word, so a header like "Duration" stays whole."""
    from fpdf import FPDF

    from coach.reports.pdf import _column_widths
    from coach.reports.tables import Table

    pdf = FPDF(format="A4")
    pdf.add_page()
    headers = ("Set", "Rep", "Start (s)", "Duration (s)", "Side", "Hip straightening (°)", "Knee straightening (°)",
               "Height of the rise (% of leg)", "Trunk lean forward (°)", "Rise time (s)", "Sat down at (s)",
               "Stand reached at (s)", "Tracking", "Faults")
    t = Table("Reps", headers, (("1", "1", "4.5", "2.6", "Both sides", "177.3", "176.4", "106.7", "24.6", "0.9",
                                 "0.7", "5.4", "good", "-"),))
    pdf.set_font("Helvetica", "", 6)
    widths = _column_widths(pdf, t)
    assert abs(sum(widths) - pdf.epw) < 0.01  # fills the page width
    for w, header, cell in zip(widths, headers, t.rows[0]):
        pdf.set_font("Helvetica", "B", 6)
        longest = max(pdf.get_string_width(word) for word in header.split())
        pdf.set_font("Helvetica", "", 6)
        longest = max([longest] + [pdf.get_string_width(word) for word in cell.split()])
        assert w >= longest + 1.6, (header, w, longest)  # the word plus the cell padding
