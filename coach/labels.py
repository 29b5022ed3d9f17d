"""The one table of words people read: metric, column, test, status, exercise and side names.

The app's tables, charts and the PDF/HTML report take their labels from here; CSV and JSON keep
the machine names (``peak_rise_pct``) so spreadsheets and scripts stay stable. A name missing from
the table still gets a readable label from its spelling (``hold_s`` -> "Hold (s)"), never a raw id.
"""
from __future__ import annotations

from datetime import datetime

from exercises import EXERCISES as EXERCISE_SPECS
from exercises.validated_tests import ALIASES as TEST_ALIASES
from exercises.validated_tests import TESTS as TEST_SPECS

UNITS = {"deg": "°", "s": "s", "cm": "cm", "m": "m", "pct": "%", "px": "px", "ratio": "ratio"}

METRICS = {
    "stand_time_s": "Stand reached at (s)", "sit_time_s": "Sat down at (s)",
    "rise_time_s": "Rise time (s)", "lower_time_s": "Lowering time (s)",
    "ascent_time_s": "Rise time (s)", "descent_time_s": "Lowering time (s)",
    "bottom_time_s": "Time at the bottom (s)", "hold_s": "Hold (s)",
    "sway_hip_cm": "Hip sway path (cm)", "sway_shoulder_cm": "Shoulder sway path (cm)",
    "sway_speed_cm_s": "Sway speed (cm/s)", "range_deg": "Head turn (°)", "left_range_deg": "Turn to the left (°)",
    "right_range_deg": "Turn to the right (°)", "timing_error_s": "Off the beat (s)",
    "amplitude_share": "Size (share of best)", "onset_s": "Started at (s)",
    "peak_trunk_flexion_deg": "Trunk lean forward (°)", "trunk_lean_deg": "Trunk lean sideways (°)",
    "knee_extension_deg": "Knee straightening (°)", "hip_extension_deg": "Hip straightening (°)",
    "elbow_extension_deg": "Elbow straightening (°)", "min_knee_angle_deg": "Deepest knee bend (°)",
    "peak_rise_pct": "Height of the rise (% of leg)", "depth_pct": "Squat depth (% of leg)",
    "lateral_shift_pct": "Sideways shift (% of hip width)", "asymmetry_pct": "Left/right difference (%)",
    "heel_lift_m": "Heel lift (m)", "lift_height_cm": "Heel lift (cm)", "lift_lr_diff_cm": "Left/right lift difference (cm)",
    "reach_distance_cm": "Reach distance (cm)", "reach_cm": "Reach distance (cm)", "reach_time_s": "Reach time (s)",
    "peak_shoulder_deg": "Arm raised to (°)", "elevation_deg": "Arm raised to (°)",
    "shoulder_lr_diff_deg": "Left/right arm difference (°)", "step_m": "Step (m)",
    "rom_deg": "Range of motion (°)", "rom_cm": "Range of motion (cm)",
}

COLUMNS = {
    "session": "Session", "uuid": "Record id", "patient": "Patient", "exercise": "Exercise", "status": "Status",
    "started_at": "Started", "ended_at": "Ended", "date": "Date", "sets": "Sets", "set": "Set", "reps": "Reps",
    "rep": "Rep", "seq": "Order", "attempts": "Not counted", "faults": "Faults", "source": "Source",
    "counted": "Counted", "start_s": "Start (s)", "end_s": "End (s)", "dur_s": "Duration (s)", "side": "Side",
    "confidence": "Tracking", "code": "Fault", "time_s": "At (s)", "detail": "Detail", "kind": "Event",
    "test": "Test", "value": "Score", "unit": "Unit", "norm_low": "Norm from", "norm_high": "Norm to",
    "interpretation": "What it means", "norm_source": "Norm source", "trust": "Trust",
    "mean_rep_s": "Mean rep time (s)", "fault_rate": "Reps with a fault", "range_of_motion": "Range of motion",
    "programme_version": "Programme version", "app_version": "App version", "algorithm_version": "Algorithm version",
    "variant": "Variant", "support": "Support", "tempo_s": "Tempo (s per rep)", "rest_s": "Rest (s)",
    "days": "Days", "notes": "Notes", "targets": "Targets / thresholds", "excluded": "Excluded",
    "routine": "Routine", "times": "Times of day", "hold_s": "Hold (s)", "tempo_per_min": "Tempo (per minute)",
}

# Every test id and old spelling -> the test's label (from the one test vocabulary).
TESTS = {**{alias: TEST_SPECS[canonical].label for alias, canonical in TEST_ALIASES.items()},
         **{test_id: spec.label for test_id, spec in TEST_SPECS.items()}}

STATUSES = {"complete": "Complete", "stopped": "Stopped early",
            "interrupted": "Cut off (tab closed, camera lost or crash)",
            "recording": "Recording now", "excluded": "Excluded", "discarded": "Discarded",
            "source_ended": "Video ended", "camera_lost": "Camera stopped"}

EXERCISES = {name: spec.label for name, spec in EXERCISE_SPECS.items()}  # from each exercise's spec

SIDES = {"auto": "Auto (the side that moves)", "both": "Both sides", "left": "Left", "right": "Right", "none": "—", "": "—"}

CONFIDENCE = {"ok": "good", "low": "poor (hard to see)"}

TRUST = {"ok": "Good recording", "low": "Treat with caution"}


def _from_spelling(name: str) -> str:
    """``peak_rise_pct`` -> "Peak rise (%)": a readable fallback for names not in the table."""
    parts = [p for p in name.replace("-", "_").split("_") if p]
    unit = UNITS.get(parts[-1]) if len(parts) > 1 else None
    words = parts[:-1] if unit else parts
    text = " ".join(words).capitalize() or name
    return f"{text} ({unit})" if unit else text


def metric(name: str) -> str:
    return METRICS.get(name) or _from_spelling(name)


def column(name: str) -> str:
    return COLUMNS.get(name) or METRICS.get(name) or _from_spelling(name)


def test(test_id: str) -> str:
    return TESTS.get(test_id) or _from_spelling(test_id)


def status(name: str) -> str:
    return STATUSES.get(name) or _from_spelling(name)


def exercise(name: str) -> str:
    return EXERCISES.get(name) or _from_spelling(name)


def side(name: str | None) -> str:
    return SIDES.get(name or "", name or "—")


def confidence(name: str) -> str:
    return CONFIDENCE.get(name, name)


def trust(name: str) -> str:
    return TRUST.get(name, name)


def value(v, digits: int = 1) -> str:
    """A number as people read it: no "None", no "nan", no trailing ".0" on whole numbers."""
    if v is None:
        return "—"
    if isinstance(v, float):
        if v != v:  # NaN
            return "—"
        return f"{v:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{v:.0f}"
    return str(v)


def when(t: datetime | None) -> str:
    """Local date and time, no seconds and no "+00:00"."""
    if t is None:
        return "—"
    return t.astimezone().strftime("%Y-%m-%d %H:%M")


# What a patient reads about a rep: the count's noun (each fault's words: ``patient_fault``).
REP_NOUNS = {name: spec.rep_noun for name, spec in EXERCISE_SPECS.items()}  # ("stand", "stands"), ...


def reps_phrase(exercise_name: str, n: int) -> str:
    one, many = REP_NOUNS.get(exercise_name, ("repetition", "repetitions"))
    return f"{n} {one if n == 1 else many}"


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def patient_fault(code: str, exercise: str = "") -> str:
    """A fault in the patient's words, in this exercise's own words where its spec has them."""
    from exercises.faults import patient_words

    return patient_words(code, exercise)


# A validated test is stored as a session of its own (settings mode "test", its exercise the test's
# movement: sit-to-stand for a chair stand or a TUG). Every list, picker, chart and report names it
# by its test and shows its score, never as a training session of that exercise with 0 reps.
def is_test_session(settings: dict | None, tests=()) -> bool:
    """A validated test stored as its own session (``Store.save_test_result``: settings mode "test").
    A training session that also carries a test result stays a training session."""
    return (settings or {}).get("mode") == "test"


def session_what(exercise_name: str, tests=()) -> str:
    """What a session was: "Test: 30-second chair stand" for a test, else the exercise."""
    if tests:
        return "Test: " + ", ".join(dict.fromkeys(test(t.test) for t in tests))
    return exercise(exercise_name)


def test_score(t) -> str:
    """A test result's score in words: "12 stands", "9.8 s", or "not scored"."""
    return "not scored" if t.value is None else f"{value(t.value, 2)} {t.unit}".strip()


def session_result(reps: int, exercise_name: str, tests=()) -> str:
    """The result of a session in a list: the test's score for a test, else the reps (holds for holds)."""
    if tests:
        return ", ".join(test_score(t) for t in tests)
    return reps_phrase(exercise_name, reps) if exercise_name in REP_NOUNS else f"{reps} reps"


# The Timed Up and Go's phases that are shown (to the patient and the physio): none yet. The total is
# checked against the synthetic generator's truth (within 0.3 s); the phases were not: a walk-through
# timed walking out at 1.3 s and turning at 3.1 s for a true 4.1 s and 0.8 s. They stay in the
# record (JSON/CSV) for when they are checked, and each view says why they are not shown.
TUG_PHASES_SHOWN: tuple[str, ...] = ()
TUG_PHASES_WHY = ("Phase times (standing up, walking out, turning, walking back, sitting down) are not shown: "
                  "the camera's split of the test into phases has not been checked and was seconds off in testing. "
                  "The total time is checked and is the score to use.")


def source(text: str | None) -> str:
    """Where a session came from, as people read it: never the app's internal file path (an upload is
    kept under a made-up name in the data folder); a video a user named keeps its own file name."""
    import os

    text = (text or "").strip()
    if not text:
        return "—"
    if text.startswith("camera:"):
        return "camera"
    if "/" in text or "\\" in text:
        parts = text.replace("\\", "/").split("/")
        if "uploads" in parts or "app" in parts:
            return "uploaded video"
        return f"video file {os.path.basename(text.replace(chr(92), '/'))}"
    return text
