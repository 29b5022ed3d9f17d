"""Live coaching: the webcam loop, cues, sets and rests, set-up and safety checks.

``LiveSession.push(frame) -> LiveUpdate`` is the core (used by the CLI runner and the browser
app alike); ``LiveRunner`` drives it from a ``LatestFrameGrabber``; ``coach.live.factory``
assembles everything from plain options.
"""
from coach.live.grabber import CapturedFrame, LatestFrameGrabber, LatestFrameSlot, RealtimeFileSource
from coach.live.session import LiveSession
from coach.live.sets import SetPlan
from coach.live.update import LiveSummary, LiveUpdate, SessionEvent

__all__ = ["CapturedFrame", "LatestFrameGrabber", "LatestFrameSlot", "LiveSession", "LiveSummary",
           "LiveUpdate", "RealtimeFileSource", "SessionEvent", "SetPlan"]
