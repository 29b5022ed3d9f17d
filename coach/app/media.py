"""Patient video on a page without a URL anyone could fetch later.

``st.video(path)`` puts the file in Streamlit's media store, served at ``/media/<id>.mp4`` to any
client that has the address, with no cookie, until the server forgets it (minutes after the tab
closed). Here the video travels inside the page's own (authenticated) WebSocket message as a
``data:`` URL: nothing is served over HTTP, and it is gone when the tab is.
"""
from __future__ import annotations

import base64
import html
from pathlib import Path

import streamlit as st

MAX_INLINE_BYTES = 120 * 2**20  # well under server.maxMessageSize (200 MB)


def video_html(data: bytes, start_s: float = 0.0, mime: str = "video/mp4") -> str:
    src = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    play = ""
    if start_s > 0:
        src += f"#t={start_s:.1f}"  # media fragment: the player starts there
        play = "autoplay muted "  # a jump to a fault plays at once (muted autoplay is always allowed)
    return (f"<video controls playsinline preload='auto' {play}data-testid='coach-video' "
            f"data-start='{start_s:.1f}' src='{html.escape(src)}' "
            f"style='width:100%;max-height:70vh;background:#000;border-radius:8px'></video>")


def show_video(path: str | Path, start_s: float = 0.0) -> bool:
    """Show the video at ``path`` from ``start_s``; False (with a note) when it cannot be shown."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_INLINE_BYTES:
            st.info(f"This video is too large to play here ({size / 2**20:.0f} MB).")
            return False
        data = p.read_bytes()
    except OSError:
        st.info("The video file is no longer there.")
        return False
    st.html(video_html(data, start_s))
    return True
