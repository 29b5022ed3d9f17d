"""Interactive charts (Altair, shipped with Streamlit): the rep timeline of a session, trends across
sessions and test scores against their norm bands. Pure builders: data in, chart out."""
from __future__ import annotations

import altair as alt
import pandas as pd

from coach import labels
from exercises import is_timed_hold
from exercises.faults import fault_info

# One colour per exercise everywhere (colour-blind safe, Okabe-Ito), so trends read at a glance.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
EXERCISE_COLOURS = dict(zip(labels.EXERCISES.values(), OKABE_ITO))


def exercise_scale(names) -> alt.Scale:
    """The fixed colours of the exercises present (the legend lists only those)."""
    present = [n for n in EXERCISE_COLOURS if n in set(names)] or list(EXERCISE_COLOURS)[:1]
    return alt.Scale(domain=present, range=[EXERCISE_COLOURS[n] for n in present])

FAULT_SELECTION = "fault_pick"


def timeline_frames(reps, offset_s: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reps, faults) as tables; times shifted by ``offset_s`` so 0 is the video's start."""
    from coach.app.analysis_view import rep_numbers

    numbers = rep_numbers(list(reps))
    rep_rows = [{"rep": (f"Rep {n}" if r.counted else "Not counted"), "start": r.start_s - offset_s,
                 "end": r.end_s - offset_s, "counted": "counted" if r.counted else "not counted",
                 "faults": ", ".join(fault_info(c).label for c in r.fault_codes) or "none"}
                for n, r in zip(numbers, reps)]
    fault_rows = [{"time": f.time_s - offset_s, "code": f.code, "fault": fault_info(f.code).label,
                   "detail": f.detail, "rep": n} for n, r in zip(numbers, reps) for f in r.faults]
    return pd.DataFrame(rep_rows), pd.DataFrame(fault_rows, columns=["time", "code", "fault", "detail", "rep"])


def rep_timeline(reps, offset_s: float = 0.0, marker_s: float | None = None) -> alt.LayerChart | alt.Chart:
    """Reps as bars along time, faults as red diamonds; a click on a diamond selects its time;
    ``marker_s``: a red line at the moment of the fault the video was jumped to."""
    rep_df, fault_df = timeline_frames(reps, offset_s)
    bars = alt.Chart(rep_df).mark_bar(height=26, cornerRadius=4).encode(
        x=alt.X("start:Q", title="Seconds from the start of the video"), x2="end:Q",
        color=alt.Color("counted:N", scale=alt.Scale(domain=["counted", "not counted"], range=["#2a7ab0", "#bbbbbb"]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("rep:N", title="Rep"), alt.Tooltip("start:Q", format=".1f", title="Start (s)"),
                 alt.Tooltip("end:Q", format=".1f", title="End (s)"), alt.Tooltip("faults:N", title="Faults")])
    if fault_df.empty:
        return bars.properties(height=160)
    pick = alt.selection_point(name=FAULT_SELECTION, fields=["time"], on="click")
    points = alt.Chart(fault_df).mark_point(shape="diamond", size=260, filled=True, color="#d62728").encode(
        x="time:Q", tooltip=[alt.Tooltip("fault:N", title="Fault"), alt.Tooltip("detail:N", title="Detail"),
                             alt.Tooltip("time:Q", format=".1f", title="At (s)")],
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.6))).add_params(pick)
    layers = [bars, points]
    if marker_s is not None:
        layers.append(alt.Chart(pd.DataFrame({"time": [marker_s]})).mark_rule(color="#d62728", strokeWidth=3)
                      .encode(x="time:Q"))
    return alt.layer(*layers).properties(height=160)


def picked_time(event) -> float | None:
    """The time of the fault clicked in ``rep_timeline`` (from ``st.altair_chart(on_select=...)``)."""
    try:
        points = event["selection"][FAULT_SELECTION]
    except (KeyError, TypeError):
        return None
    if isinstance(points, list) and points and "time" in points[0]:
        return float(points[0]["time"])
    return None


def session_trends(history) -> pd.DataFrame:
    """One row per session: date, exercise, reps, mean rep time, fault rate, mean range of motion."""
    rows = []
    shown = getattr(history, "trend_sessions", history.sessions)  # not excluded, interrupted or empty
    for s in shown:
        sm = s.record.summary
        if getattr(sm, "excluded", False) or s.record.settings.get("mode") == "test":
            continue  # left out by the physio, or a validated test (its score has its own chart)
        rows.append({"date": sm.started_at.astimezone().replace(tzinfo=None), "session": sm.id,
                     "exercise": labels.exercise(sm.exercise), "reps": s.reps,
                     "mean rep (s)": None if is_timed_hold(sm.exercise) else s.mean_rep_s,  # a hold is no rep
                     "fault rate": (sum(1 for r in s.record.reps if r.counted and r.faults) / s.reps
                                    if s.reps else None),
                     "range of motion": next(iter(s.rom.values()), None), "status": labels.status(sm.status)})
    return pd.DataFrame(rows, columns=["date", "session", "exercise", "reps", "mean rep (s)", "fault rate",
                                       "range of motion", "status"])


def date_x(dates) -> alt.X:
    """A date axis that stays readable when every session falls on one day: the domain is padded
    by half a day either side and labels show the time when the span is short."""
    dates = pd.to_datetime(pd.Series(list(dates)))
    if dates.empty:
        return alt.X("date:T", title="Date")
    lo, hi = dates.min(), dates.max()
    short = (hi - lo) < pd.Timedelta(days=2)
    pad = pd.Timedelta(hours=12) if short else (hi - lo) * 0.05
    axis = alt.Axis(format="%d %b %H:%M" if short else "%d %b", labelAngle=0, labelOverlap=True, tickCount=6,
                    title="Date and time" if short else "Date")
    return alt.X("date:T", axis=axis, scale=alt.Scale(domain=[(lo - pad).isoformat(), (hi + pad).isoformat()]))


def trend_chart(df: pd.DataFrame, column: str, title: str, percent: bool = False, unit: str = "") -> alt.Chart:
    data = df.dropna(subset=[column])
    y_axis = alt.Axis(format=".0%", title=unit or title) if percent else alt.Axis(title=unit or title)
    return alt.Chart(data, title=title).mark_line(point=alt.OverlayMarkDef(size=90)).encode(
        x=date_x(data["date"]), y=alt.Y(f"{column}:Q", axis=y_axis, scale=alt.Scale(zero=True)),
        color=alt.Color("exercise:N", scale=exercise_scale(data["exercise"]),
                        legend=alt.Legend(orient="top", title=None, labelFontSize=12, columns=2, labelLimit=0)),
        tooltip=[alt.Tooltip("session:Q", title="Session"), alt.Tooltip("exercise:N", title="Exercise"),
                 alt.Tooltip("date:T", format="%Y-%m-%d %H:%M", title="Date"),
                 alt.Tooltip(f"{column}:Q", title=title, format=".0%" if percent else ".1f"),
                 alt.Tooltip("status:N", title="Status")],
    ).properties(height=330)  # the total: Streamlit fits legend, title and axes inside it


def test_frame(history) -> pd.DataFrame:
    rows = [{"date": when.astimezone().replace(tzinfo=None), "test": labels.test(t.test), "value": t.value,
             "unit": t.unit, "norm_low": t.norm_low, "norm_high": t.norm_high,
             "trust": labels.trust(getattr(t, "trust", "ok")), "interpretation": t.interpretation,
             "norm source": t.norm_source}
            for when, t in history.tests]
    return pd.DataFrame(rows, columns=["date", "test", "value", "unit", "norm_low", "norm_high", "trust",
                                       "interpretation", "norm source"])


def test_table(df: pd.DataFrame) -> pd.DataFrame:
    """The test scores for people: labelled columns, local dates, no "None"."""
    out = pd.DataFrame({
        "Date": df["date"].dt.strftime("%Y-%m-%d %H:%M"), "Test": df["test"],
        "Score": [("not scored" if pd.isna(v) else f"{labels.value(float(v))} {u}") for v, u in zip(df["value"], df["unit"])],
        "Usual range": [_band(lo, hi) for lo, hi in zip(df["norm_low"], df["norm_high"])],
        "Trust": df["trust"], "What it means": df["interpretation"], "Norm source": df["norm source"].fillna("")})
    return out


def _band(lo, hi) -> str:
    lo = None if lo is None or pd.isna(lo) else float(lo)
    hi = None if hi is None or pd.isna(hi) else float(hi)
    if lo is None and hi is None:
        return "—"
    return f"{labels.value(lo) if lo is not None else '…'}–{labels.value(hi) if hi is not None else '…'}"


def test_chart(df: pd.DataFrame, test: str, title: str) -> alt.LayerChart | alt.Chart:
    """Scores over time with the norm band (green) of the latest result behind them."""
    data = df[(df["test"] == test) & df["value"].notna()]
    unit = data["unit"].iloc[-1] if len(data) else ""
    points = alt.Chart(data, title=title).mark_line(point=alt.OverlayMarkDef(size=110), color="#0072B2").encode(
        x=date_x(data["date"]), y=alt.Y("value:Q", title=unit or "score"),
        tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d %H:%M", title="Date"), alt.Tooltip("value:Q", title="Score"),
                 alt.Tooltip("interpretation:N", title="What it means")])
    latest = data.iloc[-1] if len(data) else None
    if latest is None or (pd.isna(latest["norm_low"]) and pd.isna(latest["norm_high"])):
        return points.properties(height=300)
    lo = latest["norm_low"] if not pd.isna(latest["norm_low"]) else min(data["value"].min(), latest["norm_high"]) - 1
    hi = latest["norm_high"] if not pd.isna(latest["norm_high"]) else max(data["value"].max(), latest["norm_low"]) + 1
    band = alt.Chart(pd.DataFrame({"lo": [lo], "hi": [hi], "what": ["usual range"]})).mark_rect(
        color="#2ecc71", opacity=0.2).encode(y="lo:Q", y2="hi:Q", tooltip=[alt.Tooltip("what:N", title="Band")])
    return alt.layer(band, points).properties(height=300)
