"""Interactive charts (Altair, shipped with Streamlit): the rep timeline of a session, trends across
sessions and test scores against their norm bands. Pure builders: data in, chart out."""
from __future__ import annotations

import altair as alt
import pandas as pd

from exercises.faults import fault_info

FAULT_SELECTION = "fault_pick"


def timeline_frames(reps, offset_s: float = 0.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reps, faults) as tables; times shifted by ``offset_s`` so 0 is the video's start."""
    rep_rows = [{"rep": (f"Rep {r.index}" if r.counted else "Not counted"), "start": r.start_s - offset_s,
                 "end": r.end_s - offset_s, "counted": "counted" if r.counted else "not counted",
                 "faults": ", ".join(r.fault_codes) or "none"} for r in reps]
    fault_rows = [{"time": f.time_s - offset_s, "code": f.code, "fault": fault_info(f.code).label,
                   "detail": f.detail, "rep": r.index} for r in reps for f in r.faults]
    return pd.DataFrame(rep_rows), pd.DataFrame(fault_rows, columns=["time", "code", "fault", "detail", "rep"])


def rep_timeline(reps, offset_s: float = 0.0) -> alt.LayerChart | alt.Chart:
    """Reps as bars along time, faults as red diamonds; a click on a diamond selects its time."""
    rep_df, fault_df = timeline_frames(reps, offset_s)
    bars = alt.Chart(rep_df).mark_bar(height=26, cornerRadius=4).encode(
        x=alt.X("start:Q", title="Seconds from the start of the video"), x2="end:Q",
        color=alt.Color("counted:N", scale=alt.Scale(domain=["counted", "not counted"], range=["#2a7ab0", "#bbbbbb"]),
                        legend=alt.Legend(title=None, orient="top")),
        tooltip=["rep", alt.Tooltip("start:Q", format=".1f"), alt.Tooltip("end:Q", format=".1f"), "faults"])
    if fault_df.empty:
        return bars.properties(height=90)
    pick = alt.selection_point(name=FAULT_SELECTION, fields=["time"], on="click")
    points = alt.Chart(fault_df).mark_point(shape="diamond", size=260, filled=True, color="#d62728").encode(
        x="time:Q", tooltip=["fault", "detail", alt.Tooltip("time:Q", format=".1f", title="at (s)")],
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.6))).add_params(pick)
    return alt.layer(bars, points).properties(height=90)


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
    for s in history.sessions:
        sm = s.record.summary
        rows.append({"date": sm.started_at, "session": sm.id, "exercise": sm.exercise, "reps": s.reps,
                     "mean rep (s)": s.mean_rep_s, "fault rate": (sum(1 for r in s.record.reps if r.counted and r.faults)
                                                                   / s.reps if s.reps else None),
                     "range of motion": next(iter(s.rom.values()), None), "status": sm.status})
    return pd.DataFrame(rows)


DATE_AXIS = alt.Axis(format="%d %b", labelAngle=0, tickCount={"interval": "day", "step": 1}, labelOverlap=True)


def trend_chart(df: pd.DataFrame, column: str, title: str, percent: bool = False) -> alt.Chart:
    data = df.dropna(subset=[column])
    y_axis = alt.Axis(format=".0%", title=None) if percent else alt.Axis(title=None)
    return alt.Chart(data, title=title).mark_line(point=alt.OverlayMarkDef(size=90)).encode(
        x=alt.X("date:T", title=None, axis=DATE_AXIS), y=alt.Y(f"{column}:Q", axis=y_axis, scale=alt.Scale(zero=True)),
        color=alt.Color("exercise:N", legend=alt.Legend(orient="top", title=None)),
        tooltip=["session", "exercise", alt.Tooltip("date:T", format="%Y-%m-%d %H:%M"), column, "status"],
    ).properties(height=220).interactive(bind_y=False)


def test_frame(history) -> pd.DataFrame:
    rows = [{"date": when, "test": t.test, "value": t.value, "unit": t.unit, "norm_low": t.norm_low,
             "norm_high": t.norm_high, "interpretation": t.interpretation, "norm source": t.norm_source}
            for when, t in history.tests]
    return pd.DataFrame(rows, columns=["date", "test", "value", "unit", "norm_low", "norm_high",
                                       "interpretation", "norm source"])


def test_chart(df: pd.DataFrame, test: str, title: str) -> alt.LayerChart | alt.Chart:
    """Scores over time with the norm band (green) of the latest result behind them."""
    data = df[(df["test"] == test) & df["value"].notna()]
    unit = data["unit"].iloc[-1] if len(data) else ""
    points = alt.Chart(data, title=title).mark_line(point=alt.OverlayMarkDef(size=110), color="#2a7ab0").encode(
        x=alt.X("date:T", title=None, axis=DATE_AXIS), y=alt.Y("value:Q", title=unit),
        tooltip=[alt.Tooltip("date:T", format="%Y-%m-%d"), "value", "interpretation"])
    latest = data.iloc[-1] if len(data) else None
    if latest is None or (pd.isna(latest["norm_low"]) and pd.isna(latest["norm_high"])):
        return points.properties(height=200)
    lo = latest["norm_low"] if not pd.isna(latest["norm_low"]) else min(data["value"].min(), latest["norm_high"]) - 1
    hi = latest["norm_high"] if not pd.isna(latest["norm_high"]) else max(data["value"].max(), latest["norm_low"]) + 1
    band = alt.Chart(pd.DataFrame({"lo": [lo], "hi": [hi]})).mark_rect(color="#2ecc71", opacity=0.2).encode(
        y="lo:Q", y2="hi:Q")
    return alt.layer(band, points).properties(height=200)
