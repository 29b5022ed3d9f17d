"""Which sides moved in a rep, how its side is named, and how far its pose can be trusted: pure
functions of the rep's samples (``RepExercise`` calls them when it closes a rep)."""
from __future__ import annotations

import numpy as np

from exercises.counting import BOTH_MOVING
from exercises.rep_context import Sample

LOW_CONFIDENCE_VISIBILITY = 0.7  # a rep whose key joints dip below this is flagged "low"
MAX_UNSEEN_FRACTION = 0.2  # more than this share of a rep without a confident pose -> "low"
# ... or more than this share of its samples below LOW_CONFIDENCE_VISIBILITY. A share, not the
# minimum: MediaPipe's visibility dips for a frame or two in clean views (the near knee at full
# standing in a side view reads 0.6 for one frame), which is no reason to distrust the rep.
LOW_VISIBILITY_SHARE = 0.15


def _seen(samples: list[Sample], side: str) -> list[float]:
    rel = (s.values.get(f"rel_{side}", np.nan) for s in samples)
    return [r for r in rel if np.isfinite(r)]


def sides_reaching(samples: list[Sample], sides: tuple[str, ...], level: float) -> tuple[str, ...]:
    """Sides whose own signal reached ``level`` of their range during the rep."""
    return tuple(side for side in sides if (seen := _seen(samples, side)) and max(seen) >= level)


def sides_still(samples: list[Sample], sides: tuple[str, ...]) -> tuple[str, ...]:
    """Seen sides that never got ``BOTH_MOVING`` out of their own rest during the rep."""
    return tuple(side for side in sides if (seen := _seen(samples, side)) and max(seen) < BOTH_MOVING)


def side_label(moved: tuple[str, ...], sided: bool, side: str) -> str:
    """"left", "right", "both", "left+up" (a head turn's signals) or "" when no side moved."""
    if not sided:
        return "both" if side == "auto" else side
    if set(moved) == {"left", "right"}:
        return "both"
    return "+".join(moved) if moved else (side if side in ("left", "right") else "")


def rep_confidence(samples: list[Sample], aborted: bool, gap_in_rep: bool, seen: int, unseen: int) -> str:
    """"ok" or "low": an aborted rep, a hole in it, too many frames without a confident pose, or too
    many samples whose best-seen landmark set (the near limb in a side view) is poorly seen."""
    if aborted or gap_in_rep or not samples:
        return "low"
    total = seen + unseen
    if total and unseen / total > MAX_UNSEEN_FRACTION:
        return "low"
    low = sum(s.visibility < LOW_CONFIDENCE_VISIBILITY for s in samples)
    return "low" if low > LOW_VISIBILITY_SHARE * len(samples) else "ok"
