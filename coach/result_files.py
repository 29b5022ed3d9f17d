"""Turns an analysis result into the files a physio keeps: JSON summary, per-rep CSV (``coach.csv_text``),
landmarks.

Each file is written to a temporary name in the same folder and renamed into place, so a full disk
or a crash leaves the previous file or none, never a torn one; a failure names the file.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

from coach import __version__
from coach.analysis import AnalysisResult
from coach.csv_text import reps_csv
from coach.store.repcodec import rep_to_json
from exercises import is_timed_hold
from exercises.base import Rep
from exercises.holds import hold_summary


def _rep_record(rep: Rep) -> dict:
    """The rep's one JSON shape (``coach.store.repcodec``), times and metrics to the millisecond."""
    return _rounded(rep_to_json(rep))


def _rounded(value):
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def summary(result: AnalysisResult) -> dict:
    """The JSON summary printed by ``coach analyze --json`` and saved as summary.json."""
    return {
        "exercise": result.exercise,
        "side": result.side,
        "reps": len(result.counted),
        "rep_events": [_rep_record(r) for r in result.counted],
        "attempts_not_counted": [_rep_record(r) for r in result.reps if not r.counted],
        "duration_s": result.duration_s,
        "frames": result.frames,
        "fps": round(result.fps, 3),
        "pose_coverage": result.pose_coverage,
        "view": result.view,
        "model": result.model,
        "warnings": result.warnings,
        "source": result.source,
        "annotated_video": str(result.annotated_video) if result.annotated_video else None,
        "coach_version": __version__,
        **_hold_fields(result),
        **({"dual_task": result.dual_task} if result.dual_task else {}),
    }


def _hold_fields(result: AnalysisResult) -> dict:
    """Balance holds: best and total time and the losses of balance (each hold is one rep)."""
    if not is_timed_hold(result.exercise):
        return {}
    return {"holds": hold_summary(result.counted), "balance_events": result.balance_events}


class ResultFileError(OSError):
    """A result file could not be written; the message names it (and ``errno`` is kept)."""

    def __init__(self, errno: int | None, message: str):
        super().__init__(message)
        self.errno = errno


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "w"):
    """Open a temporary sibling of ``path`` (0600); on success it replaces ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, mode, **({"newline": ""} if "b" not in mode else {})) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise ResultFileError(e.errno, f"could not write {path}: {e.strerror or e}") from e


def write_outputs(result: AnalysisResult, out_dir: Path) -> dict[str, Path]:
    """summary.json, reps.csv and poses.npz (the landmark track) in ``out_dir``, all or none: each is
    written to a temporary sibling first and the three are renamed into place only when all fit, so
    a full disk leaves the previous results (or nothing), never a mix of two runs."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ResultFileError(e.errno, f"could not create the output folder {out_dir}: {e.strerror or e}") from e
    paths = {"summary": out_dir / "summary.json", "reps_csv": out_dir / "reps.csv", "poses": out_dir / "poses.npz"}
    contents: dict[str, bytes] = {"summary": json.dumps(summary(result), indent=2).encode("utf-8")}
    contents["reps_csv"] = reps_csv((None, None, seq, r) for seq, r in enumerate(result.reps, 1)).encode("utf-8")
    if result.poses is not None:
        buffer = io.BytesIO()
        result.poses.save(buffer)
        contents["poses"] = buffer.getvalue()
    staged: list[tuple[Path, Path]] = []
    try:
        for key, data in contents.items():
            tmp = paths[key].with_name(f".{paths[key].name}.tmp")
            staged.append((tmp, paths[key]))
            _write_synced(tmp, data, paths[key])
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
    return {k: v for k, v in paths.items() if k in contents}


def _write_synced(tmp: Path, data: bytes, named: Path) -> None:
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except OSError as e:
        raise ResultFileError(e.errno, f"could not write {named}: {e.strerror or e}") from e


def check_writable(out_dir: Path) -> None:
    """Fail before a long analysis, not after it: ``out_dir`` must accept a file."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with atomic_file(out_dir / ".coach-write-test") as f:
            f.write("ok")
        (out_dir / ".coach-write-test").unlink()
    except OSError as e:
        raise ResultFileError(e.errno, f"cannot write to the output folder {out_dir}: "
                              f"{getattr(e, 'strerror', None) or e}; choose another with --out") from e
