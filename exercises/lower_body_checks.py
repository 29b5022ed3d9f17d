"""Form checks shared by sit-to-stand and squat, over one rep's samples (``RepContext``).

Limits are screening defaults, not norms (CLINICAL.md has none for these); each says why.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exercises.calibration import OwnTypical
from exercises.engine import RepContext
from exercises.spec import Params, param


@dataclass(frozen=True)
class LowerBodyLimits(Params):
    """The limits sit-to-stand and squat share."""

    trunk_flexion_over_own_deg: float = param(
        12.0, "deg", "rep-to-rep variation of peak trunk lean is a few degrees: 12 deg over the median of "
        "the person's earlier reps is a change of strategy (also when the camera under-reads angles)", bounds=(2, 45))
    trunk_flexion_over_own_ratio: float = param(1.4, "x own usual", "... or 40% more than their usual lean", bounds=(1, 3))
    lateral_shift_limit: float = param(0.15, "shoulder widths", "trunk moved sideways by 15% of shoulder width from where it started", bounds=(0.03, 1))
    knee_valgus_ratio: float = param(0.75, "knee gap / ankle gap", "knees closer together than 3/4 of the ankle distance", bounds=(0.3, 1))
    lying_trunk_deg: float = param(65.0, "deg from vertical", "trunk this near horizontal, with the hips low "
                                   "(lying_hip_shank), is lying or sitting on the floor: \"get up to start\"; a deep "
                                   "squat leans as much but keeps the hips up", bounds=(40.0, 90.0))
    lying_hip_shank: float = param(0.6, "shank lengths", "... hips under this above the feet (seated on a chair "
                                   "they are ~1 shank up)", bounds=(0.2, 1.0))
    hand_off_chest_trunk: float = param(0.55, "trunk lengths", "a wrist closer than this to a shoulder is on the chest "
                                        "(arms crossed), never pushing on a thigh: a pushing hand hangs at least "
                                        "half a trunk length down", bounds=(0.2, 1.0))


def own_trunk_typical(limits: LowerBodyLimits) -> OwnTypical:
    return OwnTypical(limits.trunk_flexion_over_own_deg, limits.trunk_flexion_over_own_ratio)


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


def knee_valgus_fault(ctx: RepContext, limits: LowerBodyLimits, t0: float, t1: float):
    t, ratio = ctx.extreme("knee_width", "min", t0, t1)
    if np.isfinite(ratio) and ratio < limits.knee_valgus_ratio:
        return t, f"knees {ratio:.0%} of the ankle distance apart"
    return None


def max_abs_change(ctx: RepContext, key: str) -> float:
    """Largest change of a measurement from where the rep started."""
    t, v = ctx.series(key, ctx.start_s - 0.3, ctx.end_s)
    if len(v) == 0:
        return float("nan")
    return float(np.max(np.abs(v - v[0])))


def lateral_shift_fault(ctx: RepContext, limits: LowerBodyLimits):
    t, v = ctx.series("trunk_shift", ctx.start_s - 0.3, ctx.end_s)
    if len(v) == 0:
        return None
    change = np.abs(v - v[0])
    i = int(np.argmax(change))
    if change[i] > limits.lateral_shift_limit:
        return float(t[i]), f"trunk moved {change[i]:.0%} of shoulder width sideways"
    return None
