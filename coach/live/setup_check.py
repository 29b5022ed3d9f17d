"""Is the patient set up for the next set? A pure function over recent poses and brightness.

Checks, in the order the patient should fix them: enough light, someone in view, the joints the
exercise needs inside the picture, close enough to the camera, and the view the exercise's form
checks need. A problem counts when it shows in a good share of the recent frames, so one odd
frame neither blocks nor passes the check.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from coach.pose.frame import PoseFrame
from coach.pose.landmarks import Landmark as L
from coach.views import SIDE, classify_view
from exercises import EXERCISES
from exercises.spec import SetupNeeds

HEAD = (L.NOSE,)
HANDS = (L.LEFT_WRIST, L.RIGHT_WRIST)
TRUNK = (L.LEFT_SHOULDER, L.RIGHT_SHOULDER, L.LEFT_HIP, L.RIGHT_HIP)
LEGS = (L.LEFT_KNEE, L.RIGHT_KNEE)
FEET = (L.LEFT_ANKLE, L.RIGHT_ANKLE, L.LEFT_HEEL, L.RIGHT_HEEL)

MIN_BRIGHTNESS = 55.0  # mean grey level 0..255; below it the pose model starts to miss limbs
EDGE_MARGIN = 0.01  # a landmark this close to the border is treated as cut off

PART_LANDMARKS = {"head": HEAD, "hands": HANDS, "trunk": TRUNK, "legs": LEGS, "feet": FEET}
# Instructions for a part that is cut off, most specific first.
PART_MESSAGES = {
    "feet": "Step back so your feet are in view",
    "legs": "Step back so your legs are in view",
    "head": "Step back so your head is in view",
    "hands": "Step back so your hands are in view",
    "trunk": "Move so your whole body is in view",
}
FULL_BODY = ("head", "trunk", "legs", "feet")

def needs_for(exercise: str) -> SetupNeeds:
    """What the exercise's spec asks of the camera (exercises.spec.SetupNeeds)."""
    spec = EXERCISES.get(exercise)
    return spec.setup if spec is not None else SetupNeeds(FULL_BODY, "any")


@dataclass(frozen=True)
class SetupProblem:
    code: str  # "dark", "no_person", "cut_off_feet", ..., "too_far", "wrong_view"
    message: str  # the instruction the patient sees and hears


@dataclass(frozen=True)
class SetupResult:
    ok: bool
    problems: tuple[SetupProblem, ...] = ()
    reminders: tuple[str, ...] = ()

    @property
    def instruction(self) -> str:
        return self.problems[0].message if self.problems else ""

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.problems)


def frame_brightness(image_bgr: np.ndarray) -> float:
    """Mean grey level (0..255) of a subsampled frame: cheap enough for every frame."""
    small = image_bgr[::8, ::8].astype(np.float32)
    return float((small @ np.array([0.114, 0.587, 0.299], dtype=np.float32)).mean())


def _inside(pose: PoseFrame, landmarks: tuple[L, ...], min_visibility: float) -> bool:
    pts = pose.image[[int(lm) for lm in landmarks]]
    on_image = (pts[:, 0] >= EDGE_MARGIN) & (pts[:, 0] <= 1 - EDGE_MARGIN) & \
               (pts[:, 1] >= EDGE_MARGIN) & (pts[:, 1] <= 1 - EDGE_MARGIN)
    # One foot hidden behind the other in profile is fine; both gone is not.
    return bool(np.any(on_image & (pts[:, 3] >= min_visibility)))


TWO_PEOPLE = SetupProblem("two_people", "Only one person in the picture, please")


def frame_problems(pose: PoseFrame, needs: SetupNeeds, min_visibility: float = 0.5,
                   people: int = 1) -> list[SetupProblem]:
    """Everything wrong with one frame (brightness aside). ``people``: how many are in view
    (a second person can take over the tracking and mix up the count)."""
    if not pose.has_person:
        return [SetupProblem("no_person", "Step into the picture")]
    problems = [TWO_PEOPLE] if people >= 2 else []
    cut = [part for part in PART_MESSAGES if part in needs.parts
           and not _inside(pose, PART_LANDMARKS[part], min_visibility)]
    if cut:
        problems.append(SetupProblem(f"cut_off_{cut[0]}", PART_MESSAGES[cut[0]]))
    else:
        ys = np.concatenate([pose.image[[int(lm) for lm in PART_LANDMARKS[p]], 1] for p in needs.parts])
        if float(ys.max() - ys.min()) < needs.min_height_share:
            problems.append(SetupProblem("too_far", "Come a little closer to the camera"))
    if needs.view != "any":
        seen = classify_view(pose)
        if seen != needs.view:
            message = "Turn sideways to the camera" if needs.view == SIDE else "Face the camera"
            problems.append(SetupProblem("wrong_view", message))
    return problems


def check_setup(poses: Sequence[PoseFrame], brightness: float, needs: SetupNeeds,
                min_span_s: float = 1.0, problem_share: float = 0.3) -> SetupResult:
    """Outcome of the set-up check over ``poses`` (the last second or two, oldest first).

    ``brightness``: recent mean grey level. Passes only when the poses cover ``min_span_s``
    and no problem shows in ``problem_share`` or more of them.
    """
    per_frame = [frame_problems(pose, needs) for pose in poses]
    span = poses[-1].timestamp_s - poses[0].timestamp_s if poses else 0.0
    return summarise_setup(per_frame, span, brightness, needs, min_span_s, problem_share)


def summarise_setup(per_frame: Sequence[Sequence[SetupProblem]], span_s: float, brightness: float,
                    needs: SetupNeeds, min_span_s: float = 1.0, problem_share: float = 0.3) -> SetupResult:
    """``check_setup`` from already computed per-frame problems (the live loop computes each
    frame's once, as it arrives, instead of re-checking the whole window every time)."""
    if brightness < MIN_BRIGHTNESS:
        return SetupResult(False, (SetupProblem("dark", "Turn on a light"),), needs.reminders)
    if not per_frame:
        return SetupResult(False, (SetupProblem("no_person", "Step into the picture"),), needs.reminders)
    counts: dict[str, int] = {}
    first: dict[str, SetupProblem] = {}
    for problems in per_frame:
        for problem in problems:
            counts[problem.code] = counts.get(problem.code, 0) + 1
            first.setdefault(problem.code, problem)
    order = ["no_person", "two_people", *(f"cut_off_{p}" for p in PART_MESSAGES), "too_far", "wrong_view"]
    found = tuple(first[c] for c in order if counts.get(c, 0) >= problem_share * len(per_frame))
    return SetupResult(not found and span_s >= min_span_s, found, needs.reminders)
