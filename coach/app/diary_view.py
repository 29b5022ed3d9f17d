"""The patient's diary for the physio: a per-week table (``coach.store.diary.weekly_counts``), the
days with their notes, and fatigue and pain over the days. Builders are pure (data in, table or
chart out); ``show_diary`` puts them on the page."""
from __future__ import annotations

import html
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from coach import labels
from coach.app.user_text import plain
from coach.store.diary import DiaryEntry, weekly_counts

FATIGUE_COLOUR, PAIN_COLOUR = "#0072B2", "#D55E00"  # Okabe-Ito, as the other charts


def weeks_frame(entries: list[DiaryEntry], last: int | None = None) -> pd.DataFrame:
    """One row per week, newest first (``last``: only that many)."""
    weeks = list(reversed(weekly_counts(entries)))[:last]
    dash = lambda v: "–" if v is None else f"{v:.1f}"  # noqa: E731
    return pd.DataFrame([{"Week of": f"{w.week_start:%d %b %Y}", "Days": f"{w.days_with_entries} of 7",
                          "Tiredness": dash(w.mean_fatigue), "Pain": dash(w.mean_pain),
                          "Falls": w.falls, "Near-falls": w.near_falls, "Freezing": w.freezing}
                         for w in weeks])


WEEKS_NOTE = ("Days: days with a diary entry. Tiredness and pain: the mean of the days answered, 0 (none) to 10 "
              "(worst). Falls, near-falls and freezing episodes: added up over the week.")


def days_frame(entries: list[DiaryEntry]) -> pd.DataFrame:
    """One row per day, newest first."""
    dash = lambda v: "–" if v is None else str(v)  # noqa: E731
    return pd.DataFrame([{"Day": f"{e.day:%a %d %b %Y}", "Tiredness": dash(e.fatigue), "Pain": dash(e.pain),
                          "Falls": e.falls, "Near-falls": e.near_falls, "Freezing": e.freezing, "Note": e.note}
                         for e in reversed(entries)])


def fatigue_pain_chart(entries: list[DiaryEntry]) -> alt.Chart:
    """Tiredness and pain (0-10) by day; days not answered are gaps, falls marked along the bottom."""
    rows = [{"day": pd.Timestamp(e.day), "what": what, "score": v}
            for e in entries for what, v in (("Tiredness", e.fatigue), ("Pain", e.pain)) if v is not None]
    df = pd.DataFrame(rows, columns=["day", "what", "score"])
    colour = alt.Color("what:N", title=None, scale=alt.Scale(domain=["Tiredness", "Pain"],
                                                               range=[FATIGUE_COLOUR, PAIN_COLOUR]),
                       legend=alt.Legend(orient="top", labelFontSize=14))
    base = alt.Chart(df).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%d %b", labelFontSize=13, labelOverlap=True,
                                                   tickCount={"interval": "day", "step": 1})),  # one label a day
        y=alt.Y("score:Q", title="0 = none, 10 = worst", scale=alt.Scale(domain=[0, 10]),
                axis=alt.Axis(labelFontSize=13, titleFontSize=13)),
        color=colour, tooltip=[alt.Tooltip("day:T", format="%a %d %b"), "what:N", "score:Q"])
    lines = base.mark_line(strokeWidth=3) + base.mark_point(size=80, filled=True)
    falls = pd.DataFrame([{"day": pd.Timestamp(e.day), "falls": e.falls} for e in entries if e.falls])
    if falls.empty:
        return lines.properties(height=260)
    marks = alt.Chart(falls).mark_text(text="▼ fall", color="#b00020", fontSize=13, fontWeight="bold", dy=-6).encode(
        x="day:T", y=alt.datum(0.4), tooltip=[alt.Tooltip("day:T", format="%a %d %b"), "falls:Q"])
    return (lines + marks).properties(height=260)


def table_html(df: pd.DataFrame, test_id: str) -> str:
    """A plain HTML table (text a screen reader, a search and a test can find; large type)."""
    head = "".join(f"<th style='text-align:left;padding:4px 10px'>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join("<tr>" + "".join(f"<td style='padding:4px 10px{';white-space:nowrap' if i == 0 else ''}'>"
                                    f"{html.escape(str(v))}</td>" for i, v in enumerate(r)) + "</tr>"
                   for r in df.itertuples(index=False))
    return (f"<div style='overflow-x:auto'><table data-testid='{test_id}' style='font-size:1.1rem;"
            f"border-collapse:collapse;width:100%'><thead style='border-bottom:2px solid #333'><tr>{head}</tr></thead>"
            f"<tbody>{rows}</tbody></table></div>")


def falls_alert(entries: list[DiaryEntry], today: date, days: int = 28) -> str:
    """One markdown line naming the falls of the last ``days`` days with their day and note ("" when
    none): a fall is what a physio must not miss in a table. The patient's note is shown as text."""
    recent = [e for e in entries if e.falls and 0 <= (today - e.day).days < days]
    if not recent:
        return ""
    total = sum(e.falls for e in recent)
    days_txt = "; ".join(f"{e.day:%a %d %b}" + (f" ({e.falls})" if e.falls > 1 else "")
                         + (f": “{plain(e.note)}”" if e.note else "") for e in reversed(recent))
    return f"{total} fall{'s' if total != 1 else ''} reported in the last {days // 7} weeks: {days_txt}"


def changes_frame(earlier: list[DiaryEntry]) -> pd.DataFrame:
    """Earlier versions of changed days, as the physio reads them (what the day said, and when)."""
    return pd.DataFrame([{"Day": e.day.isoformat(), "Saved": labels.when(e.updated_at), "Falls": e.falls,
                          "Near-falls": e.near_falls, "Freezing": e.freezing, "Tiredness": e.fatigue,
                          "Pain": e.pain, "Note": e.note} for e in earlier])


def show_diary(entries: list[DiaryEntry], today: date | None = None, earlier: list[DiaryEntry] = ()) -> None:
    if not entries:
        st.info("No diary entries yet. The patient writes them on \"My diary\"; they come with the shared file.")
        _show_changes(earlier)
        return
    alert = falls_alert(entries, today or date.today())
    if alert:
        st.warning(alert, icon=":material/warning:")
    st.markdown("**By week**")
    st.markdown(table_html(weeks_frame(entries), "diary-weeks"), unsafe_allow_html=True)
    st.caption(WEEKS_NOTE)
    st.markdown("**Tiredness and pain, day by day**")
    st.altair_chart(fatigue_pain_chart(entries), width="stretch")
    st.markdown("**Each day**")
    st.markdown(table_html(days_frame(entries), "diary-days"), unsafe_allow_html=True)
    _show_changes(earlier)


def _show_changes(earlier) -> None:
    if earlier:
        st.markdown("**Changed days: what they said before**")
        st.markdown(table_html(changes_frame(list(earlier)), "diary-changes"), unsafe_allow_html=True)
