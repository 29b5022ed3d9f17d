"""Clips the patient recorded for the physio: the note, when, and the video inline (no ``/media``
URL: ``coach.app.media``), or, without the patient's consent to video, a replay of the tracked
skeleton; under it, how the ankles and wrists moved up and down over time (a freeze shows as flat
ankle lines, a tremor as a fast ripple in a wrist line)."""
from __future__ import annotations

import html

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from coach import labels
from coach.app import media, ui
from coach.pose.landmarks import Landmark

PICK_KEY = "review_clip_id"
PARTS = (("Left ankle", Landmark.LEFT_ANKLE), ("Right ankle", Landmark.RIGHT_ANKLE),
         ("Left wrist", Landmark.LEFT_WRIST), ("Right wrist", Landmark.RIGHT_WRIST))
PART_COLOURS = ("#0072B2", "#56B4E9", "#D55E00", "#E69F00")
MIN_VISIBILITY = 0.5


def movement_frame(track) -> pd.DataFrame:
    """(time s, part, move) with move = how far the point is above (+) or below (-) its own median
    height, in % of the picture's height: each point's own movement, whatever its place in the
    picture (ankles near the bottom and wrists higher up would flatten each other on one scale).
    Points the camera did not see well are left out."""
    rows = []
    for name, lm in PARTS:
        y = track.image[:, int(lm), 1]
        vis = track.image[:, int(lm), 3]
        ok = ~np.isnan(y) & (np.nan_to_num(vis) >= MIN_VISIBILITY)
        if not ok.any():
            continue
        move = 100.0 * (np.median(y[ok]) - y[ok])  # image y grows downwards
        rows += [{"time": float(t), "part": name, "move": float(m)} for t, m in zip(track.timestamps_s[ok], move)]
    return pd.DataFrame(rows, columns=["time", "part", "move"])


def movement_chart(df: pd.DataFrame) -> alt.Chart:
    return alt.Chart(df).mark_line(strokeWidth=2).encode(
        x=alt.X("time:Q", title="Seconds into the clip"),
        y=alt.Y("move:Q", title="Up (+) / down (-), % of the picture"),
        color=alt.Color("part:N", title=None, scale=alt.Scale(domain=[p for p, _ in PARTS], range=list(PART_COLOURS)),
                        legend=alt.Legend(orient="top", labelFontSize=13)),
        tooltip=["part:N", alt.Tooltip("time:Q", format=".1f"), alt.Tooltip("move:Q", format=".1f")],
    ).properties(height=280)


def clip_title(clip) -> str:
    return f"{labels.when(clip.recorded_at)}, {clip.duration_s:.0f} s: {clip.note or 'no note'}"


def show_clips(store, clips: list, key: str = "clips") -> None:
    """The list of clips (newest first) and the chosen one (default: the newest) played."""
    if not clips:
        st.info("No clips yet. The patient records them on \"Record a clip for my physio\"; "
                "they come with the shared file.")
        return
    ids = [c.id for c in clips]
    chosen = st.session_state.get(PICK_KEY)
    chosen = chosen if chosen in ids else ids[0]
    for c in clips:
        kind = "video" if c.has_video else "skeleton only (no video consent)"
        cols = st.columns([3, 1])
        marker = "▶ " if c.id == chosen else ""
        cols[0].markdown(f"<p style='font-size:1.15rem;margin:0.4rem 0' data-testid='clip-row'>{marker}"
                         f"<b>{html.escape(labels.when(c.recorded_at))}</b>, {c.duration_s:.0f} s, {kind}: "
                         f"<i>{html.escape(c.note or 'no note')}</i></p>", unsafe_allow_html=True)
        if c.id != chosen and cols[1].button("Watch", key=f"{key}_watch_{c.id}", width="stretch"):
            st.session_state[PICK_KEY] = c.id
            st.rerun()
    show_clip(store, next(c for c in clips if c.id == chosen))


def show_clip(store, clip) -> None:
    st.markdown(f"<div class='coach-need' data-testid='clip-note'>“{html.escape(clip.note or 'no note')}”</div>",
                unsafe_allow_html=True)
    st.caption(f"Recorded {labels.when(clip.recorded_at)}, {clip.duration_s:.1f} s; body tracked in "
               f"{clip.pose_coverage:.0%} of {clip.n_frames} frames.")
    track = store.clip_track(clip.id)
    if clip.has_video:
        media.show_video(clip.video_path)
    elif len(track):
        from coach.app.replay import write_replay

        path = ui.settings().app_dir / "replays" / f"clip-{clip.uuid}.mp4"
        if not path.exists():
            with st.spinner("Drawing the skeleton replay..."):
                write_replay(track, path)
        st.caption("No video was kept (the patient has not agreed to video): this is the tracked skeleton.")
        media.show_video(path)
    df = movement_frame(track)
    if df.empty:
        st.info("The body could not be tracked in this clip.")
        return
    st.markdown("**How the ankles and wrists moved**")
    st.caption("Flat ankle lines while the patient means to walk: a freeze. A fast ripple in a wrist line: a tremor. "
               "Points the camera could not see well are left out.")
    st.altair_chart(movement_chart(df), width="stretch")
