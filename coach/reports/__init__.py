"""Reports for the physio: per-session and over-time, as HTML, PDF, CSV and JSON."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from coach.reports import beyond_reps, export, html, pdf, plots, tables
from coach.reports.data import PatientHistory, collect
from coach.store.paths import write_private


def render_html(history: PatientHistory) -> str:
    return html.render(_title(history), _sections(history), _now())


def render_pdf(history: PatientHistory) -> bytes:
    return pdf.render(_title(history), _sections(history), _now())


def _sections(history: PatientHistory) -> list[tables.Section]:
    from coach.reports import adherence

    from coach.reports import dual_task

    extra = beyond_reps.sections(history) + dual_task.sections(history)
    week = adherence.section(history)
    return tables.build(history, plots.all_figures(history), ([week] if week else []) + extra)


def write_report(history: PatientHistory, *, html_path: str | Path | None = None, pdf_path: str | Path | None = None,
                 csv_dir: str | Path | None = None, json_path: str | Path | None = None) -> list[Path]:
    """Write each requested form; figures are drawn once for both HTML and PDF."""
    written: list[Path] = []
    if html_path or pdf_path:
        sections = _sections(history)
        if html_path:
            write_private(html_path, html.render(_title(history), sections, _now()))
            written.append(Path(html_path))
        if pdf_path:
            write_private(pdf_path, pdf.render(_title(history), sections, _now()))
            written.append(Path(pdf_path))
    if csv_dir:
        written.extend(export.write_csv(history, csv_dir))
    if json_path:
        export.write_json(history, json_path)
        written.append(Path(json_path))
    return written


def _title(h: PatientHistory) -> str:
    return f"Home exercise report - patient {h.patient.id}"


def _now() -> datetime:
    return datetime.now(timezone.utc).astimezone()


__all__ = ["PatientHistory", "collect", "render_html", "render_pdf", "write_report"]
