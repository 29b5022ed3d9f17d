"""Each side's numbers for the sided exercises that have them (issue 22): one source for the live
summary (the patient's words), the physio's review and the report (the physio's numbers).

- weight shift: shifts, range (cm) and hold (s) per side, the symmetry, the physio's target
  (``exercises.weight_shift.side_summary``);
- marching in place: steps and knee lift per leg, the asymmetry of the lift, the cadence kept
  against the metronome, seconds off the beat, and freezes (``exercises.stepping.freezes``; a
  trembling freeze is told among the session's warnings, read from the legs frame by frame);
- step-ups: step-ups, rise (cm) and time up per lead leg.

Everything here is read from the stored reps (and the session's settings: the metronome, the
physio's overrides), so a session recorded live, analysed from a file or imported at the clinic
shows the same numbers. Other exercises: nothing (empty lists).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace

import numpy as np

from exercises.base import Rep

SIDES = ("left", "right")
EXERCISES_WITH_SIDES = ("weight-shift", "stepping", "step-up")


@dataclass(frozen=True)
class SideTable:
    """The physio's table: one row a side, and the lines under it (symmetry, cadence, freezes)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    lines: tuple[str, ...]


def _params(exercise: str, settings: dict | None):
    from exercises.registry import EXERCISES

    params = EXERCISES[exercise].params()
    overrides = (settings or {}).get("thresholds") or {}
    known = {f.name for f in fields(params)}
    try:
        return replace(params, **{k: float(v) for k, v in overrides.items() if k in known})
    except (TypeError, ValueError):
        return params


def _counted(reps, side: str | None = None) -> list[Rep]:
    return [r for r in reps if r.counted and (side is None or r.side == side)]


def _mean(reps, key: str) -> float:
    vals = [float(r.metrics[key]) for r in reps if key in r.metrics and np.isfinite(r.metrics[key])]
    return float(np.mean(vals)) if vals else float("nan")


def _num(v: float, fmt: str = "{:.1f}") -> str:
    return fmt.format(v) if v is not None and np.isfinite(v) else "-"


def _plural(n: int, noun: tuple[str, str]) -> str:
    return f"{n} {noun[0] if n == 1 else noun[1]}"


# --- marching in place --------------------------------------------------------------------------

@dataclass(frozen=True)
class Cadence:
    per_min: float | None  # steps a minute kept (usual onset-to-onset gap)
    tempo_per_min: float | None  # the metronome's, when there was one
    off_beat_s: float | None  # mean seconds between each step's start and its beat
    judged_live: bool  # off_beat_s from the live metronome's own clock (else from the first step)


def cadence(reps, settings: dict | None) -> Cadence:
    """The cadence kept and, with a metronome, the seconds off its beat: as the live pacer judged
    them (rep metric ``timing_error_s``, against the metronome's own clock) when recorded live, else
    against a beat grid started at the first step."""
    from exercises.pacing import Tempo, pacing_metrics

    counted = sorted(_counted(reps), key=lambda r: r.start_s)
    per_min = (settings or {}).get("tempo_per_min")
    if len(counted) < 2:
        return Cadence(None, per_min, None, False)
    paced = pacing_metrics(counted, Tempo.per_minute(per_min) if per_min else Tempo(1.0))
    live = [abs(float(r.metrics["timing_error_s"])) for r in counted if "timing_error_s" in r.metrics]
    off = float(np.mean(live)) if live else (paced.mean_abs_error_s if per_min else None)
    return Cadence(paced.cadence_per_min, per_min, off, bool(live))


def _stepping(reps, settings, patient: bool) -> SideTable:
    from exercises.stepping import freezes

    rows, lifts = [], {}
    for side in SIDES:
        mine = _counted(reps, side)
        lifts[side] = _mean(mine, "knee_lift_deg")
        rows.append((side.capitalize() + " leg", str(len(mine)), _num(lifts[side], "{:.0f}"),
                     str(sum(1 for r in reps if r.side == side and "low_step" in r.fault_codes))))
    lines = []
    # The asymmetry only from steps seen from the side: from a front camera the knee comes toward it
    # and the pose model's depth reads one leg's lift lower than the other's (a rendered even 60 deg
    # march through the full model: 31-37 deg left against 53-56 right, a false 40% asymmetry).
    side_view = [r for r in reps if r.view == "side"]
    a, b = (_mean(_counted(side_view, side), "knee_lift_deg") for side in SIDES)
    c = cadence(reps, settings)
    trembling = [(float(r.metrics["tremble_start_s"]), float(r.metrics["tremble_start_s"] + r.metrics["tremble_s"]))
                 for r in reps if "tremble_start_s" in r.metrics and "tremble_s" in r.metrics]
    found = freezes(reps, _params("stepping", settings), trembling)
    if patient:
        lines.append(" ".join(f"{side.capitalize()} leg: {_plural(int(r[1]), ('step', 'steps'))}."
                              for side, r in zip(SIDES, rows)))
        if c.per_min is not None:
            lines.append(f"Your pace: {c.per_min:.0f} steps a minute."
                         + (f" The beat: {c.tempo_per_min:.0f}." if c.tempo_per_min else ""))
        if found:  # the diary's own words for a freeze
            lines.append(f"Your feet felt stuck to the floor {_plural(len(found), ('time', 'times'))}. "
                         "It is kept with this session for your physiotherapist.")
        return SideTable((), (), tuple(lines))
    if np.isfinite(a) and np.isfinite(b) and max(a, b) > 0:
        share = 100 * (1 - min(a, b) / max(a, b))
        low = "left" if a < b else "right"
        lines.append(f"Knee lift asymmetry: {share:.0f}% " + (
            f"({low} knee lifts less: {min(a, b):.0f} deg against {max(a, b):.0f} deg, seen from the side)"
            if share >= 0.5 else "(even)"))
    elif np.isfinite(lifts["left"]) and np.isfinite(lifts["right"]):
        lines.append("Knee lift asymmetry: not judged, no steps seen from the side (from the front the pose "
                     "model reads one knee's lift lower than the other's); film from the side to judge it")
    if c.per_min is not None:
        beat = (f"; metronome {c.tempo_per_min:g} a minute" if c.tempo_per_min else "; no metronome")
        lines.append(f"Cadence: {c.per_min:.0f} steps a minute{beat}")
    if c.off_beat_s is not None:
        lines.append(f"Off the beat: {c.off_beat_s:.2f} s on average "
                     + ("(against the metronome)" if c.judged_live else "(against a beat started at the first step)"))
    lines.extend([f.words() for f in found] or ["Freezing: none between steps"])
    return SideTable(("Leg", "Steps", "Knee lift (deg)", "Low steps"), tuple(rows), tuple(lines))


# --- step-ups -----------------------------------------------------------------------------------

def _step_up(reps, settings, patient: bool) -> SideTable:
    rows = []
    for side in SIDES:
        mine = _counted(reps, side)
        rows.append((side.capitalize() + " leg", str(len(mine)), _num(_mean(mine, "rise_cm")),
                     _num(_mean(mine, "step_up_s")), str(sum(1 for r in reps if r.side == side and not r.counted))))
    unnamed = [r for r in _counted(reps) if r.side not in SIDES]
    if patient:
        line = " ".join(f"{side.capitalize()} foot up first: {_plural(int(r[1]), ('time', 'times'))}."
                        for side, r in zip(SIDES, rows))
        return SideTable((), (), (line,) if not unnamed or any(int(r[1]) for r in rows) else ())
    lines = (f"{len(unnamed)} step-up(s) with no lead leg named (read from the front only, when one foot was "
             f"seen clearly higher before the rise)",) if unnamed else ()
    return SideTable(("Lead leg", "Step-ups", "Rise (cm)", "Time up (s)", "Tries not counted"), tuple(rows), lines)


# --- weight shift -------------------------------------------------------------------------------

def _weight_shift(reps, settings, patient: bool) -> SideTable:
    from exercises.weight_shift import side_summary

    s = side_summary(list(reps))
    p = _params("weight-shift", settings)
    if patient:
        lines = [f"Over your {side} foot: {_plural(s[side]['reps'], ('time', 'times'))}"
                 + (f", {s[side]['range_cm']:.0f} cm, for {s[side]['hold_s']:.0f} seconds." if s[side]["reps"] else ".")
                 for side in SIDES]
        lines.append(f"Your target: {p.target_shift_cm:.0f} cm, for {p.target_hold_s:.0f} seconds.")
        return SideTable((), (), tuple(lines))
    rows = tuple((f"Over the {side} foot", str(s[side]["reps"]), _num(s[side]["range_cm"]), _num(s[side]["hold_s"]))
                 for side in SIDES)
    lines = (f"Symmetry: {_num(s['symmetry_pct'], '{:.0f}')}% (the smaller side's range over the larger's)",
             f"Target: {p.target_shift_cm:g} cm over each foot, held {p.target_hold_s:g} s")
    return SideTable(("Side", "Shifts", "Range (cm)", "Hold (s)"), rows, lines)


_BUILDERS = {"stepping": _stepping, "step-up": _step_up, "weight-shift": _weight_shift}


def physio_table(exercise: str, reps, settings: dict | None = None) -> SideTable | None:
    """The physio's per-side table and lines for ``exercise``; None for the others."""
    build = _BUILDERS.get(exercise)
    return build(list(reps), settings, False) if build else None


def patient_lines(exercise: str, reps, settings: dict | None = None) -> list[str]:
    """Each side in the patient's plain words (the live summary); [] for other exercises."""
    build = _BUILDERS.get(exercise)
    return list(build(list(reps), settings, True).lines) if build and _counted(reps) else []
