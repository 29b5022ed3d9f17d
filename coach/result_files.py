"""Turns an analysis result into the files a physio keeps: JSON summary and per-rep CSV."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from coach import __version__
from coach.analysis import AnalysisResult
from exercises.base import Rep


def _rep_record(rep: Rep) -> dict:
    return {
        "index": rep.index,
        "start_s": round(rep.start_s, 3),
        "end_s": round(rep.end_s, 3),
        "metrics": {k: (round(v, 3) if isinstance(v, float) else v) for k, v in rep.metrics.items()},
        "faults": rep.fault_codes,
        "fault_events": [{"code": f.code, "time_s": round(f.time_s, 3), "detail": f.detail} for f in rep.faults],
        "confidence": rep.confidence,
        "side": rep.side,
    }


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
    }


def write_rep_csv(result: AnalysisResult, path: Path) -> None:
    metric_keys = sorted({k for r in result.reps for k in r.metrics})
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["index", "counted", "start_s", "end_s", "duration_s", "confidence", "side", "faults", *metric_keys])
        for r in result.reps:
            writer.writerow([r.index, int(r.counted), f"{r.start_s:.3f}", f"{r.end_s:.3f}", f"{r.end_s - r.start_s:.3f}",
                             r.confidence, r.side, ";".join(r.fault_codes),
                             *[_fmt(r.metrics.get(k)) for k in metric_keys]])


def _fmt(value) -> str:
    if value is None:
        return ""
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def write_outputs(result: AnalysisResult, out_dir: Path) -> dict[str, Path]:
    """summary.json, reps.csv and poses.npz (the landmark track) in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"summary": out_dir / "summary.json", "reps_csv": out_dir / "reps.csv", "poses": out_dir / "poses.npz"}
    paths["summary"].write_text(json.dumps(summary(result), indent=2))
    write_rep_csv(result, paths["reps_csv"])
    if result.poses is not None:
        result.poses.save(paths["poses"])
    return paths
