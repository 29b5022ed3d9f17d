"""The browser camera in a page: streamlit-webrtc set up once for every page that films the
patient (the live coach, the clip recorder): localhost only, 640x480 video without sound, the
patient's words on its buttons, and pressed "start" for the patient, whose own "Start" already
asked for the camera (``coach.app.live_scripts``).

With no STUN/TURN servers configured, nothing leaves the machine: the browser and the server meet
on localhost. AppTest runs cannot host the component; the pages that call it are tested with it
replaced, and the browser tests cover it.
"""
from __future__ import annotations

from collections.abc import Callable

from coach.app.live_scripts import AUTO_START_JS, SCREEN_JS

NO_EXTERNAL_SERVERS = {"iceServers": []}  # localhost needs none; never contact a public STUN server
BUTTON_WORDS = {"start": "Start the camera", "stop": "Stop the camera", "select_device": "Choose a camera"}


def browser_camera(key: str, callback, on_ended: Callable[[], None], waiting: Callable[[], bool],
                   coaching_screen: bool = False) -> Callable[[], bool]:
    """The camera component, its frames to ``callback`` (on streamlit-webrtc's worker thread) and
    ``on_ended`` called when the stream ends; its start pressed for the patient while it is not
    playing and ``waiting()``. ``coaching_screen``: the coach's screen starts at its top and keeps
    one stop button (the page's own). Returns "is it playing?"."""
    import streamlit.components.v1 as components
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    ctx = webrtc_streamer(
        key=key, mode=WebRtcMode.SENDRECV, video_frame_callback=callback,
        rtc_configuration=NO_EXTERNAL_SERVERS, on_video_ended=on_ended,
        media_stream_constraints={"video": {"width": 640, "height": 480}, "audio": False},
        video_html_attrs={"autoPlay": True, "muted": True, "playsinline": True,
                          "style": {"width": "100%", "objectFit": "contain"}},
        async_processing=True, translations=BUTTON_WORDS)
    if not ctx.state.playing and waiting():
        components.html(AUTO_START_JS, height=0)
    if coaching_screen:
        components.html(SCREEN_JS, height=0)
    return lambda: ctx.state.playing
