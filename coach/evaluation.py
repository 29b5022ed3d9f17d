"""Accuracy of the coach on clips with human (or generator) ground truth.

Two kinds of manifest, told apart by their columns; file paths are relative to the manifest:

- counts: a TSV with a header, at least ``file``, ``exercise``, ``true_reps``; optional ``side``,
  ``rep_times_s`` (comma-separated moments each rep completes), ``test_time_s``.
- timings: ``file``, ``test`` (timed-up-and-go, or a balance hold such as single-leg-stance),
  ``start_s``, ``end_s``, ``time_s``, read by a person frame by frame.

Counting and timing are judged against the truth, never against an earlier run of ours.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from exercises.base import Rep

REQUIRED_COLUMNS = ("file", "exercise", "true_reps")
TIMED_COLUMNS = ("file", "test", "start_s", "end_s", "time_s")
REP_TIME_TOLERANCE_S = 1.0  # a predicted rep within this of a true completion moment is "on time"
# A timed measure is "right" within these of a person's frame-by-frame reading (the team's targets):
TIME_TOLERANCE_S = {"timed-up-and-go": 0.5}
HOLD_TIME_TOLERANCE_S = 0.3  # balance holds (any test not listed above)


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
    live_reps: int | None = None  # the live loop itself with the clip as its camera, when measured
    warnings: tuple[str, ...] = ()  # what the coach said about the clip (never a silent zero)
    live_events: tuple[str, ...] = ()  # kinds of what the live loop recorded: "fall_like", "fatigue", ...

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
        return rep_time_error_s(self.row.rep_times_s, self.predicted_rep_times_s)


def rep_time_error_s(true_times_s, predicted_s) -> float | None:
    """Mean distance from each true completion moment to the nearest predicted one (None: either empty)."""
    if not len(true_times_s) or not len(predicted_s):
        return None
    pred = np.asarray(predicted_s)
    return float(np.mean([np.min(np.abs(pred - t)) for t in true_times_s]))


@dataclass
class EvalTotals:
    clips: int
    exact_rate: float
    off_by_one_rate: float  # |error| == 1
    within_one_rate: float  # |error| <= 1
    mean_abs_count_error: float
    mean_abs_test_time_error_s: float | None
    failed: int
    live_exact_rate: float | None = None  # the same, counted by the live loop itself
    silent_zeros: int = 0
    live_within_one_rate: float | None = None
    live_falls: int = 0  # clips on which the live loop raised a fall (real clips have none)
    live_fatigue: int = 0  # clips on which the live loop suggested a rest for fatigue


def _parse_times(text: str) -> tuple[float, ...]:
    return tuple(float(v) for v in text.replace(";", ",").split(",") if v.strip())


def _read_tsv(path: str | Path, columns: tuple[str, ...], what: str, make: Callable[[Path, dict], object]) -> list:
    """The rows of a TSV with a header that has ``columns``; ``make(folder, record)`` builds a row
    (paths relative to the manifest's folder). A bad row names its line."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such manifest: {path}")
    with open(path, newline="") as f:
        reader = csv.DictReader(f, delimiter="\t")
        missing = [c for c in columns if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: {what} lacks column(s) {', '.join(missing)}")
        rows = []
        for line_no, rec in enumerate(reader, start=2):
            try:
                rows.append(make(path.parent, rec))
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path}:{line_no}: bad row ({exc})") from exc
    return rows


def _count_row(folder: Path, rec: dict) -> ManifestRow:
    test_time = rec.get("test_time_s") or ""
    return ManifestRow(
        path=(folder / rec["file"]).resolve(),
        exercise=rec["exercise"].strip(),
        true_reps=int(rec["true_reps"]),
        side=(rec.get("side") or "auto").strip() or "auto",
        rep_times_s=_parse_times(rec.get("rep_times_s") or ""),
        test_time_s=float(test_time) if test_time.strip() else None,
    )


def read_manifest(path: str | Path) -> list[ManifestRow]:
    return _read_tsv(path, REQUIRED_COLUMNS, "manifest", _count_row)


def completion_time(rep: Rep) -> float:
    """The moment a rep counts: full standing for sit-to-stand, the end of the rep otherwise."""
    return float(rep.metrics.get("stand_time_s", rep.end_s))


def score_clip(row: ManifestRow, reps: list[Rep], pose_coverage: float, test_time_s: float | None = None,
               live_reps: int | None = None, warnings: tuple[str, ...] = (),
               live_events: tuple[str, ...] = ()) -> ClipScore:
    counted = [r for r in reps if r.counted]
    return ClipScore(row, len(counted), [completion_time(r) for r in counted], test_time_s, pose_coverage,
                     live_reps=live_reps, warnings=tuple(warnings), live_events=tuple(live_events))


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
        live_within_one_rate=float(np.mean([abs(s.live_reps - s.row.true_reps) <= 1 for s in live])) if live else None,
        live_falls=sum("fall_like" in s.live_events for s in ok),
        live_fatigue=sum("fatigue" in s.live_events for s in ok),
    )


# (reps, coverage, test time) or (reps, coverage, test time, live reps, warnings[, live event kinds])
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


@dataclass(frozen=True)
class TimedRow:
    path: Path
    test: str  # "timed-up-and-go", or a balance hold exercise ("single-leg-stance", ...)
    start_s: float
    end_s: float
    time_s: float

    @property
    def tolerance_s(self) -> float:
        return TIME_TOLERANCE_S.get(self.test, HOLD_TIME_TOLERANCE_S)


@dataclass(frozen=True)
class TimedMeasure:
    """What the coach timed: ``time_s`` None when it gave no time (``problem`` says why)."""

    time_s: float | None
    start_s: float | None = None
    end_s: float | None = None
    flags: tuple[str, ...] = ()  # e.g. "fall_risk"
    problem: str = ""


@dataclass
class TimedScore:
    row: TimedRow
    measure: TimedMeasure
    error: str = ""

    def _diff(self, got: float | None, want: float) -> float | None:
        return None if got is None else got - want

    @property
    def time_error_s(self) -> float | None:
        return self._diff(self.measure.time_s, self.row.time_s)

    @property
    def start_error_s(self) -> float | None:
        return self._diff(self.measure.start_s, self.row.start_s)

    @property
    def end_error_s(self) -> float | None:
        return self._diff(self.measure.end_s, self.row.end_s)

    @property
    def within_tolerance(self) -> bool:
        return self.time_error_s is not None and abs(self.time_error_s) <= self.row.tolerance_s


def is_timed_manifest(path: str | Path) -> bool:
    """A manifest of timings (``TIMED_COLUMNS``) rather than of counts."""
    with open(path, newline="") as f:
        header = f.readline().rstrip("\r\n").split("\t")
    return all(c in header for c in TIMED_COLUMNS)


def read_timed_manifest(path: str | Path) -> list[TimedRow]:
    return _read_tsv(path, TIMED_COLUMNS, "timing manifest", lambda folder, rec: TimedRow(
        (folder / rec["file"]).resolve(), rec["test"].strip(), float(rec["start_s"]), float(rec["end_s"]),
        float(rec["time_s"])))


def evaluate_timed(rows: list[TimedRow], measure: Callable[[TimedRow], TimedMeasure],
                   on_clip: Callable[[TimedScore], None] | None = None) -> list[TimedScore]:
    """Runs ``measure`` on each row; a clip that fails is recorded with its error, not fatal."""
    scores = []
    for row in rows:
        try:
            score = TimedScore(row, measure(row))
        except Exception as exc:  # noqa: BLE001 - one bad clip must not stop the evaluation
            score = TimedScore(row, TimedMeasure(None), error=f"{type(exc).__name__}: {exc}")
        scores.append(score)
        if on_clip:
            on_clip(score)
    return scores
