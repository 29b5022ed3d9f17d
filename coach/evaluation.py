"""Accuracy of the coach on clips with human (or generator) ground truth.

Manifest: a TSV with a header, at least ``file``, ``exercise``, ``true_reps``; optional
``side``, ``rep_times_s`` (comma-separated moments each rep completes), ``test_time_s``.
File paths are relative to the manifest. Counting is judged against the truth, never against
an earlier run of ours.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from exercises.base import Rep

REQUIRED_COLUMNS = ("file", "exercise", "true_reps")
REP_TIME_TOLERANCE_S = 1.0  # a predicted rep within this of a true completion moment is "on time"


@dataclass(frozen=True)
class ManifestRow:
    path: Path
    exercise: str
    true_reps: int
    side: str = "auto"
    rep_times_s: tuple[float, ...] = ()
    test_time_s: float | None = None


@dataclass
class ClipScore:
    row: ManifestRow
    predicted_reps: int
    predicted_rep_times_s: list[float] = field(default_factory=list)
    predicted_test_time_s: float | None = None
    pose_coverage: float = 0.0
    error: str = ""
    live_reps: int | None = None  # the causal (live) pass on the same landmarks, when measured
    warnings: tuple[str, ...] = ()  # what the coach said about the clip (never a silent zero)

    @property
    def silent_zero(self) -> bool:
        """Counted nothing and said nothing, although the truth has reps."""
        return self.predicted_reps == 0 and self.row.true_reps > 0 and not self.warnings and not self.error

    @property
    def count_error(self) -> int:
        return self.predicted_reps - self.row.true_reps

    @property
    def test_time_error_s(self) -> float | None:
        if self.row.test_time_s is None or self.predicted_test_time_s is None:
            return None
        return self.predicted_test_time_s - self.row.test_time_s

    @property
    def mean_rep_time_error_s(self) -> float | None:
        """Mean distance from each true completion moment to the nearest predicted one."""
        if not self.row.rep_times_s or not self.predicted_rep_times_s:
            return None
        pred = np.asarray(self.predicted_rep_times_s)
        return float(np.mean([np.min(np.abs(pred - t)) for t in self.row.rep_times_s]))


@dataclass
class EvalTotals:
    clips: int
    exact_rate: float
    off_by_one_rate: float  # |error| == 1
    within_one_rate: float  # |error| <= 1
    mean_abs_count_error: float
    mean_abs_test_time_error_s: float | None
    failed: int
    live_exact_rate: float | None = None  # the same, counted causally (live) on the same landmarks
    silent_zeros: int = 0


def _parse_times(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.replace(";", ",").split(",") if v.strip())


def read_manifest(path: str | Path) -> list[ManifestRow]:
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such manifest: {path}")
    with open(path, newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: manifest lacks column(s) {', '.join(missing)}")
        rows = []
        for line_no, rec in enumerate(reader, start=2):
            try:
                test_time = rec.get("test_time_s") or ""
                rows.append(ManifestRow(
                    path=(path.parent / rec["file"]).resolve(),
                    exercise=rec["exercise"].strip(),
                    true_reps=int(rec["true_reps"]),
                    side=(rec.get("side") or "auto").strip() or "auto",
                    rep_times_s=_parse_times(rec.get("rep_times_s") or ""),
                    test_time_s=float(test_time) if test_time.strip() else None,
                ))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{line_no}: bad row ({exc})") from exc
    return rows


def completion_time(rep: Rep) -> float:
    """The moment a rep counts: full standing for sit-to-stand, the end of the rep otherwise."""
    return float(rep.metrics.get("stand_time_s", rep.end_s))


def score_clip(row: ManifestRow, reps: list[Rep], pose_coverage: float, test_time_s: float | None = None,
               live_reps: int | None = None, warnings: tuple[str, ...] = ()) -> ClipScore:
    counted = [r for r in reps if r.counted]
    return ClipScore(row, len(counted), [completion_time(r) for r in counted], test_time_s, pose_coverage,
                     live_reps=live_reps, warnings=tuple(warnings))


def totals(scores: list[ClipScore]) -> EvalTotals:
    ok = [s for s in scores if not s.error]
    errors = np.array([abs(s.count_error) for s in ok], dtype=float)
    time_errors = [abs(s.test_time_error_s) for s in ok if s.test_time_error_s is not None]
    n = len(ok)
    live = [s for s in ok if s.live_reps is not None]
    return EvalTotals(
        clips=len(scores),
        exact_rate=float(np.mean(errors == 0)) if n else 0.0,
        off_by_one_rate=float(np.mean(errors == 1)) if n else 0.0,
        within_one_rate=float(np.mean(errors <= 1)) if n else 0.0,
        mean_abs_count_error=float(errors.mean()) if n else 0.0,
        mean_abs_test_time_error_s=float(np.mean(time_errors)) if time_errors else None,
        failed=len(scores) - n,
        live_exact_rate=float(np.mean([s.live_reps == s.row.true_reps for s in live])) if live else None,
        silent_zeros=sum(s.silent_zero for s in ok),
    )


# (reps, coverage, test time) or (reps, coverage, test time, live reps, warnings)
AnalyzeFn = Callable[[ManifestRow], tuple]


def evaluate(rows: list[ManifestRow], analyze: AnalyzeFn, on_clip: Callable[[ClipScore], None] | None = None) -> list[ClipScore]:
    """Runs ``analyze`` on each row; a clip that fails is recorded with its error, not fatal."""
    scores = []
    for row in rows:
        try:
            score = score_clip(row, *analyze(row))
        except Exception as exc:  # noqa: BLE001 - one bad clip must not stop the evaluation
            score = ClipScore(row, 0, error=f"{type(exc).__name__}: {exc}")
        scores.append(score)
        if on_clip:
            on_clip(score)
    return scores
