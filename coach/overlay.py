"""Draws what the patient sees on a frame: skeleton, big rep count, phase bar, key angle, faults.

Renderers only read: they take the exercise's read-only ``ExerciseState`` and never change it.
``FaultFlash`` remembers recent faults for a moment so a flash stays readable; it is display
state only.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import SKELETON, Landmark
from exercises.base import Event, ExerciseState
from exercises.faults import fault_info

# High-contrast palette (BGR). Left/right colours differ so a physio can tell sides apart.
WHITE, BLACK = (255, 255, 255), (0, 0, 0)
LEFT_COLOUR, RIGHT_COLOUR, CENTRE_COLOUR = (255, 170, 0), (0, 200, 255), (230, 230, 230)
FAULT_COLOUR, GOOD_COLOUR = (40, 40, 230), (60, 200, 60)
FONT = cv2.FONT_HERSHEY_DUPLEX  # heavier strokes than SIMPLEX: easier to read at a distance


def _bone_colour(a: Landmark, b: Landmark) -> tuple[int, int, int]:
    names = a.name + b.name
    if names.count("LEFT") == 2:
        return LEFT_COLOUR
    if names.count("RIGHT") == 2:
        return RIGHT_COLOUR
    return CENTRE_COLOUR


def draw_skeleton(image: np.ndarray, pose: PoseFrame, min_visibility: float = 0.3) -> None:
    if not pose.has_person:
        return
    h = image.shape[0]
    thickness = max(2, h // 160)
    xy = pose.image[:, :2] * np.array([image.shape[1], image.shape[0]])
    vis = pose.visibility
    for a, b in SKELETON:
        if vis[a] >= min_visibility and vis[b] >= min_visibility:
            pa, pb = tuple(int(v) for v in xy[a]), tuple(int(v) for v in xy[b])
            cv2.line(image, pa, pb, _bone_colour(a, b), thickness, cv2.LINE_AA)
    for lm in Landmark:
        if lm >= Landmark.LEFT_SHOULDER and vis[lm] >= min_visibility:
            cv2.circle(image, tuple(int(v) for v in xy[lm]), thickness + 2, WHITE, -1, cv2.LINE_AA)


def draw_text(image, text: str, org, scale: float, colour=WHITE, thickness: int = 2) -> None:
    """Text with a drop shadow: readable on any background. (A thicker black copy as an outline
    does not line up: OpenCV 5's font engine widens letters with the stroke.)"""
    shadow = max(1, int(round(scale * 2)))
    if colour != BLACK:
        cv2.putText(image, text, (org[0] + shadow, org[1] + shadow), FONT, scale, BLACK, thickness, cv2.LINE_AA)
    cv2.putText(image, text, org, FONT, scale, colour, thickness, cv2.LINE_AA)


@dataclass
class FaultFlash:
    """Keeps the latest fault on screen for ``hold_s`` seconds after it happened."""

    hold_s: float = 1.5
    _code: str = ""
    _until_s: float = -1.0
    _last_rep_until_s: float = -1.0
    _last_rep_good: bool = False

    def observe(self, events: list[Event]) -> None:
        for event in events:
            if event.kind == "fault" and event.fault is not None:
                self._code, self._until_s = event.fault.code, event.time_s + self.hold_s
            elif event.kind in ("rep", "attempt") and event.rep is not None:
                for fault in event.rep.faults:
                    self._code, self._until_s = fault.code, event.time_s + self.hold_s
                self._last_rep_until_s = event.time_s + 0.8
                self._last_rep_good = event.kind == "rep" and not event.rep.faults

    def current(self, time_s: float) -> str:
        return self._code if time_s <= self._until_s else ""

    def good_rep(self, time_s: float) -> bool:
        return self._last_rep_good and time_s <= self._last_rep_until_s


@dataclass
class Overlay:
    """Composes the HUD. ``draw`` returns a new image; the input frame is left untouched."""

    exercise_label: str
    flash: FaultFlash = field(default_factory=FaultFlash)

    def draw(self, image: np.ndarray, pose: PoseFrame, state: ExerciseState, events: list[Event],
             extra_lines: tuple[str, ...] = ()) -> np.ndarray:
        self.flash.observe(events)
        out = image.copy()
        h, w = out.shape[:2]
        unit = max(h, w) / 640.0  # text scales with the frame so it stays big on any size
        draw_skeleton(out, pose)
        self._rep_box(out, state, pose.timestamp_s, unit)
        self._phase_bar(out, state, unit)
        y = int(28 * unit)
        draw_text(out, self.exercise_label, (w - int(250 * unit), y), 0.7 * unit)
        if state.key_angle_deg is not None and state.key_angle_name:
            label = (state.key_angle_name.removesuffix("_deg").removesuffix("_cm").removesuffix("_s")
                     .replace("_pct_foot", "").replace("_", " "))
            digits = 1 if state.key_unit == "s" else 0  # a hold's clock in tenths
            draw_text(out, f"{label}: {state.key_angle_deg:.{digits}f} {state.key_unit}",
                  (w - int(250 * unit), y + int(30 * unit)), 0.6 * unit)
        for i, line in enumerate(extra_lines):
            draw_text(out, line, (int(12 * unit), h - int((50 + 30 * i) * unit)), 0.6 * unit)
        code = self.flash.current(pose.timestamp_s)
        if code:
            self._banner(out, fault_info(code).cue or fault_info(code).label, FAULT_COLOUR, unit)
        elif not pose.has_person:
            self._banner(out, "Step into view", (90, 90, 90), unit)
        elif state.message:
            self._banner(out, state.message, (90, 90, 90), unit)
        return out

    def _rep_box(self, image, state: ExerciseState, t: float, unit: float) -> None:
        box_w, box_h = int(150 * unit), int(110 * unit)
        colour = GOOD_COLOUR if self.flash.good_rep(t) else (40, 40, 40)
        cv2.rectangle(image, (0, 0), (box_w, box_h), colour, -1)
        draw_text(image, state.count_label.upper(), (int(10 * unit), int(26 * unit)), 0.7 * unit)
        draw_text(image, str(state.reps), (int(12 * unit), int(96 * unit)), 2.6 * unit, thickness=max(3, int(5 * unit)))

    def _phase_bar(self, image, state: ExerciseState, unit: float) -> None:
        x0, y0 = int(12 * unit), int(125 * unit)
        bar_w, bar_h = int(130 * unit), int(16 * unit)
        cv2.rectangle(image, (x0, y0), (x0 + bar_w, y0 + bar_h), (60, 60, 60), -1)
        filled = int(bar_w * float(np.clip(state.progress, 0.0, 1.0)))
        cv2.rectangle(image, (x0, y0), (x0 + filled, y0 + bar_h), (0, 200, 255), -1)
        draw_text(image, state.phase, (x0, y0 + bar_h + int(24 * unit)), 0.6 * unit)

    @staticmethod
    def _banner(image, text: str, colour, unit: float) -> None:
        h, w = image.shape[:2]
        band = int(56 * unit)
        cv2.rectangle(image, (0, h - band), (w, h), colour, -1)
        scale = 0.9 * unit
        (tw, _), _ = cv2.getTextSize(text, FONT, scale, 2)
        draw_text(image, text, (max(4, (w - tw) // 2), h - int(18 * unit)), scale)
