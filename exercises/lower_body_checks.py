"""Form checks shared by sit-to-stand and squat, over one rep's samples (``RepContext``).

Limits are screening defaults, not norms (CLINICAL.md has none for these); each says why.
"""
from __future__ import annotations

import numpy as np

from exercises.calibration import OwnTypical
from exercises.engine import RepContext

# Clearly more than this person's own usual lean: rep-to-rep variation of peak trunk lean is a
# few degrees, so 12 deg (or +40%) above the median of their earlier reps is a change of
# strategy, not noise. This also catches an excessive lean when the camera under-reads angles.
TRUNK_FLEXION_OVER_OWN_DEG = 12.0
TRUNK_FLEXION_OVER_OWN_RATIO = 1.4
LATERAL_SHIFT_LIMIT = 0.15  # trunk moved sideways by 15% of shoulder width from where it started
KNEE_VALGUS_RATIO = 0.75  # knees closer together than 3/4 of the ankle distance


def own_trunk_typical() -> OwnTypical:
    return OwnTypical(TRUNK_FLEXION_OVER_OWN_DEG, TRUNK_FLEXION_OVER_OWN_RATIO)


def trunk_flexion_fault(ctx: RepContext, own: OwnTypical, limit_deg: float, t0: float, t1: float):
    """Peak trunk lean in [t0, t1] beyond ``limit_deg``, or well beyond the person's own usual
    (per-patient baselines beat fixed thresholds, CLINICAL.md). Learns from completed reps."""
    t, peak = ctx.extreme("trunk_deg", "max", t0, t1)
    own_limit, typical = own.limit(), own.value
    if ctx.reached:
        own.add(peak)
    if np.isfinite(peak) and peak > limit_deg:
        return t, f"trunk {peak:.0f} deg forward (limit {limit_deg:.0f})"
    if np.isfinite(peak) and np.isfinite(own_limit) and peak > own_limit:
        return t, f"trunk {peak:.0f} deg forward, well beyond your usual {typical:.0f}"
    return None


def knee_valgus_fault(ctx: RepContext, t0: float, t1: float):
    t, ratio = ctx.extreme("knee_width", "min", t0, t1)
    if np.isfinite(ratio) and ratio < KNEE_VALGUS_RATIO:
        return t, f"knees {ratio:.0%} of the ankle distance apart"
    return None


def max_abs_change(ctx: RepContext, key: str) -> float:
    """Largest change of a measurement from where the rep started."""
    t, v = ctx.series(key, ctx.start_s - 0.3, ctx.end_s)
    if len(v) == 0:
        return float("nan")
    return float(np.max(np.abs(v - v[0])))


def lateral_shift_fault(ctx: RepContext):
    t, v = ctx.series("trunk_shift", ctx.start_s - 0.3, ctx.end_s)
    if len(v) == 0:
        return None
    change = np.abs(v - v[0])
    i = int(np.argmax(change))
    if change[i] > LATERAL_SHIFT_LIMIT:
        return float(t[i]), f"trunk moved {change[i]:.0%} of shoulder width sideways"
    return None
