"""The live screen: mirrored camera image, skeleton, big rep counter, phase bar, cue, timers.

Made to be read from 2-3 m by an older patient: large white text with a black outline on dark
panels, one instruction at a time, colours that mean one thing (green: good rep, yellow: form
tip, blue: set-up, red: stop/paused). ``LiveHud`` only draws; it keeps a little display state
(the green flash after a rep) and never changes the session.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from coach.overlay import draw_skeleton
from coach.overlay import FONT
from coach.overlay import draw_text as _text
from coach.pose.frame import PoseFrame

from coach.live.holds import BALANCE_LOSS_CUE
from coach.live.sets import ACTIVE, COUNTDOWN, DONE, PAUSED, REST, SETUP
from coach.live.update import LiveUpdate


WHITE, BLACK = (255, 255, 255), (0, 0, 0)
GREEN, YELLOW, BLUE, RED, GREY = (40, 150, 40), (0, 210, 255), (150, 80, 20), (30, 30, 200), (45, 45, 45)
CUE_COLOURS = {"count": GREEN, "praise": GREEN, "coach": YELLOW, "setup": BLUE, "announce": BLUE, "safety": RED}
SAFETY_LINE = "Stop if you feel dizzy or in pain."
TASK_COLOUR = (110, 40, 120)  # a dual-task set's thinking task: purple, unlike any cue


OPEN_TARGET = 99  # a set plan this large counts without a target (the guided timed tests)


@dataclass(frozen=True)
class ControlHints:
    """How the patient gives each command on this screen: keys in the OpenCV window, buttons in
    the browser (where there is no Q key)."""

    stop: str = "Q = stop"
    start: str = "Space = start now"
    skip_rest: str = "Space = skip rest"
    carry_on: str = "Space = carry on"


KEYBOARD_HINTS = ControlHints()
BUTTON_HINTS = ControlHints(stop="Press Finish to stop", start="Press Start now", skip_rest="Press Start now to skip the rest",
                            carry_on="Press Start now to carry on")
PAUSE_TEXT = {
    "fall": "Are you all right? Paused.",
    "out_of_view": "I can't see you. Paused.",
    "camera_lost": "Camera stopped. Paused.",
    "balance_loss": BALANCE_LOSS_CUE,
}

def mirror_pose(pose: PoseFrame) -> PoseFrame:
    """The pose as seen in a mirrored image (x flipped; the person's left stays their left)."""
    if not pose.has_person:
        return pose
    image = pose.image.copy()
    image[:, 0] = 1.0 - image[:, 0]
    return PoseFrame(pose.timestamp_s, image, pose.world, pose.size)


def _clock(seconds: float) -> str:
    s = max(0, int(round(seconds)))
    return f"{s // 60}:{s % 60:02d}"


def _panel(img, x0: int, y0: int, x1: int, y1: int, colour=BLACK, alpha: float = 0.65) -> None:
    """A darkened box behind text (translucent, so the person stays visible behind it)."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return
    roi = img[y0:y1, x0:x1]
    cv2.addWeighted(roi, 1 - alpha, np.full_like(roi, colour), alpha, 0, dst=roi)


def _fit(text: str, max_w: int, scale: float, thickness: int) -> tuple[list[str], float]:
    """Lines and a scale so ``text`` fits ``max_w``: wrap into two lines before shrinking."""
    def width(s: str, sc: float) -> int:
        return cv2.getTextSize(s, FONT, sc, thickness)[0][0]

    if width(text, scale) <= max_w:
        return [text], scale
    words = text.split()
    best = None
    for i in range(1, len(words)):
        lines = [" ".join(words[:i]), " ".join(words[i:])]
        widest = max(width(s, scale) for s in lines)
        if best is None or widest < best[0]:
            best = (widest, lines)
    if best is None:  # one long word
        return [text], scale * max_w / width(text, scale)
    widest, lines = best
    return lines, scale if widest <= max_w else scale * max_w / widest


def _centred_lines(img, lines: list[str], y_centre: int, scale: float, thickness: int, colour=WHITE) -> None:
    w = img.shape[1]
    (_, text_h), _ = cv2.getTextSize("A", FONT, scale, thickness)
    line_h = int(text_h * 1.7)
    y = y_centre - line_h * (len(lines) - 1) // 2
    for line in lines:
        tw = cv2.getTextSize(line, FONT, scale, thickness)[0][0]
        _text(img, line, ((w - tw) // 2, y + text_h // 2), scale, colour, thickness)
        y += line_h


@dataclass
class LiveHud:
    mirror: bool = True  # a mirror image is what people expect of a camera facing them
    exercise_label: str = ""
    frame_size: tuple[int, int] = (640, 480)
    flash_s: float = 0.8
    hints: ControlHints = KEYBOARD_HINTS
    _flash_until: float = field(default=-1.0, init=False)

    def render(self, image: np.ndarray | None, pose: PoseFrame | None, update: LiveUpdate) -> np.ndarray:
        if image is None:  # no camera image: keep the screen and its messages alive
            out = np.zeros((self.frame_size[1], self.frame_size[0], 3), np.uint8)
        else:
            self.frame_size = (image.shape[1], image.shape[0])
            out = cv2.flip(image, 1) if self.mirror else image.copy()
        if pose is not None:
            draw_skeleton(out, mirror_pose(pose) if self.mirror else pose)
        h, w = out.shape[:2]
        u = max(h, w) / 640.0
        if any(r.counted for r in update.reps):
            self._flash_until = update.time_s + self.flash_s
        if update.hold is not None:
            self._hold(out, update, u)
        else:
            self._reps(out, update, u)
        self._set_info(out, update, u)
        if update.beat is not None and update.phase == ACTIVE:
            self._beat(out, update, u)
        self._centre(out, update, u)
        if update.task_text and update.phase == ACTIVE:
            self._task(out, update, u)
        self._bottom(out, update, u)
        return out

    def _task(self, img, up: LiveUpdate, u: float) -> None:
        """A dual-task set's thinking task in big words, under the counters (above the person's head
        in a usual framing), for the whole set."""
        w = img.shape[1]
        lines, scale = _fit(up.task_text, w - int(40 * u), 1.4 * u, 3)
        line_h = int(cv2.getTextSize("Ag", FONT, scale, 3)[0][1] * 1.7)
        top = int((180 if up.hold is not None else 155) * u)  # under the hold's taller panel
        _panel(img, 0, top, w, top + len(lines) * line_h + int(14 * u), TASK_COLOUR, 0.8)
        _centred_lines(img, lines, top + int(7 * u) + len(lines) * line_h // 2, scale, 3)

    def _reps(self, img, up: LiveUpdate, u: float) -> None:
        flash = up.time_s <= self._flash_until
        x1, y1 = int(215 * u), int(150 * u)
        _panel(img, 0, 0, x1, y1, GREEN if flash else BLACK, 0.85 if flash else 0.65)
        _text(img, "REPS", (int(12 * u), int(30 * u)), 0.8 * u)
        big = str(up.set_reps)
        _text(img, big, (int(10 * u), int(118 * u)), 3.2 * u, thickness=max(3, int(6 * u)))
        bw = cv2.getTextSize(big, FONT, 3.2 * u, max(3, int(6 * u)))[0][0]
        if up.target_reps < OPEN_TARGET:  # a timed test has no rep target: no "/99"
            _text(img, f"/{up.target_reps}", (int(20 * u) + bw, int(118 * u)), 1.2 * u, thickness=max(2, int(3 * u)))
        if up.result is not None and up.phase == ACTIVE:  # phase bar: how far along the movement
            state = up.result.state
            x0, y0, bar_w, bar_h = int(12 * u), int(130 * u), int(190 * u), int(14 * u)
            cv2.rectangle(img, (x0, y0), (x0 + bar_w, y0 + bar_h), (90, 90, 90), -1)
            filled = int(bar_w * float(np.clip(state.progress, 0.0, 1.0)))
            cv2.rectangle(img, (x0, y0), (x0 + filled, y0 + bar_h), YELLOW, -1)

    def _hold(self, img, up: LiveUpdate, u: float) -> None:
        """The running hold in big seconds over the target, a bar filling toward it, and the best.
        The clock stops (stays on the last hold) when a hold breaks."""
        hold = up.hold
        reached = hold.holding and hold.reached
        x1, y1 = int(215 * u), int(175 * u)
        _panel(img, 0, 0, x1, y1, GREEN if reached else BLACK, 0.85 if reached else 0.65)
        _text(img, "HOLDING" if hold.holding else "HOLD", (int(12 * u), int(30 * u)), 0.8 * u)
        big = str(int(hold.shown_s))
        colour = WHITE if hold.holding else (190, 190, 190)
        _text(img, big, (int(10 * u), int(118 * u)), 3.2 * u, colour, thickness=max(3, int(6 * u)))
        bw = cv2.getTextSize(big, FONT, 3.2 * u, max(3, int(6 * u)))[0][0]
        _text(img, f"/{int(hold.target_s)} s", (int(20 * u) + bw, int(118 * u)), 1.0 * u, thickness=max(2, int(3 * u)))
        x0, y0, bar_w, bar_h = int(12 * u), int(130 * u), int(190 * u), int(14 * u)
        cv2.rectangle(img, (x0, y0), (x0 + bar_w, y0 + bar_h), (90, 90, 90), -1)
        cv2.rectangle(img, (x0, y0), (x0 + int(bar_w * hold.progress), y0 + bar_h), GREEN if reached else YELLOW, -1)
        _text(img, f"Best {int(hold.best_s)} s", (int(12 * u), int(166 * u)), 0.75 * u)

    def _beat(self, img, up: LiveUpdate, u: float) -> None:
        """The metronome made visible: a disc at the top that flashes on each beat."""
        w = img.shape[1]
        cx, cy, r = w // 2, int(48 * u), int(30 * u)
        _panel(img, cx - int(62 * u), 0, cx + int(62 * u), int(110 * u))
        pulse = up.beat.pulse
        cv2.circle(img, (cx, cy), r, (90, 90, 90), max(2, int(3 * u)))
        if pulse > 0:
            cv2.circle(img, (cx, cy), int(r * (0.6 + 0.4 * pulse)), YELLOW, -1)
        label = f"{up.beat.per_min:.0f}/min"
        tw = cv2.getTextSize(label, FONT, 0.6 * u, 2)[0][0]
        _text(img, label, (cx - tw // 2, int(100 * u)), 0.6 * u)

    def _set_info(self, img, up: LiveUpdate, u: float) -> None:
        w = img.shape[1]
        x0 = w - int(215 * u)
        _panel(img, x0, 0, w, int(100 * u))
        _text(img, f"Set {up.set_no} of {up.sets_total}", (x0 + int(12 * u), int(36 * u)), 0.9 * u)
        if up.hold is not None and up.phase in (ACTIVE, PAUSED):
            now = min(up.set_reps + (1 if up.hold.holding else 0), up.target_reps)
            _text(img, f"Hold {max(now, 1)} of {up.target_reps}", (x0 + int(12 * u), int(80 * u)), 0.9 * u)
        elif up.phase == ACTIVE or (up.phase == PAUSED and up.set_elapsed_s > 0):
            _text(img, _clock(up.set_elapsed_s), (x0 + int(12 * u), int(84 * u)), 1.3 * u, thickness=3)
        elif self.exercise_label:
            _text(img, self.exercise_label, (x0 + int(12 * u), int(80 * u)), 0.7 * u)

    def _centre(self, img, up: LiveUpdate, u: float) -> None:
        h, w = img.shape[:2]
        rows: list[tuple[str, float, int]] = []  # (text, scale, thickness), top to bottom
        colour = BLACK
        if up.phase == SETUP:
            rows = [(up.setup.instruction or "Hold still, getting ready", 1.3, 3),
                    *((r, 0.8, 2) for r in up.setup.reminders[:1]), (self.hints.start, 0.75, 2)]
            colour = BLUE
        elif up.phase == COUNTDOWN:
            _centred_lines(img, [str(max(1, int(np.ceil(up.time_left_s))))], h // 2, 5.0 * u, max(4, int(10 * u)))
            return
        elif up.phase == REST:
            rows = [(f"Rest  {_clock(up.time_left_s)}", 2.0, 4),
                    (f"Next: set {up.set_no + 1} of {up.sets_total}", 0.9, 2), (self.hints.skip_rest, 0.75, 2)]
        elif up.phase == PAUSED:
            rows = [(PAUSE_TEXT.get(up.pause_reason, "Paused."), 1.3, 3), (f"{self.hints.carry_on}    {self.hints.stop}", 0.85, 2)]
            colour = RED
        elif up.phase == DONE:
            rows, colour = ([(up.alert, 1.4, 3)], RED) if up.alert else ([("All done. Well done!", 1.4, 3)], GREEN)
        if not rows:
            return
        margin, pad = int(30 * u), int(14 * u)
        area_top, area_bottom = int(155 * u), h - int(100 * u)  # between the counters and the cue band
        shrink = 1.0
        for _ in range(4):  # shrink the text until the panel fits the free area
            laid = []  # (lines, scale, thickness, line height)
            for text, scale, thick in rows:
                lines, sc = _fit(text, w - 2 * margin - 2 * pad, scale * u * shrink, thick)
                laid.append((lines, sc, thick, int(cv2.getTextSize("Ag", FONT, sc, thick)[0][1] * 1.7)))
            total = sum(len(lines) * lh for lines, _, _, lh in laid) + pad * (len(laid) + 1)
            if total <= area_bottom - area_top:
                break
            shrink *= 0.85
        top = area_top + max(0, (area_bottom - area_top - total) // 2)
        _panel(img, margin, top, w - margin, top + total, colour, 0.8)
        y = top + pad
        for lines, sc, thick, lh in laid:
            _centred_lines(img, lines, y + len(lines) * lh // 2, sc, thick)
            y += len(lines) * lh + pad

    def _bottom(self, img, up: LiveUpdate, u: float) -> None:
        h, w = img.shape[:2]
        strip = int(30 * u)
        _panel(img, 0, h - strip, w, h, BLACK, 0.85)
        sl, ss = _fit(f"{SAFETY_LINE}  {self.hints.stop}", w - int(20 * u), 0.65 * u, 1)
        _centred_lines(img, sl[:1], h - strip // 2, ss, 1)
        if not up.cue_text or up.phase in (COUNTDOWN, PAUSED) or (up.phase == SETUP and up.cue_kind == "setup"):
            return  # (the set-up panel already shows the instruction)
        colour = CUE_COLOURS.get(up.cue_kind, BLUE)
        lines, scale = _fit(up.cue_text, w - int(30 * u), 1.3 * u, 3)
        # A two-line cue gets a taller band: never spill over the safety line below it.
        line_h = int(cv2.getTextSize("Ag", FONT, scale, 3)[0][1] * 1.7)
        band = max(int(70 * u), len(lines) * line_h + int(16 * u))
        _panel(img, 0, h - strip - band, w, h - strip, colour, 0.9)
        # Dark text on yellow reads best; white (with shadow) on the darker colours.
        _centred_lines(img, lines, h - strip - band // 2, scale, 3, BLACK if colour == YELLOW else WHITE)
