"""What clip to make: exercise, view, reps, faults, timing, look. Plain data, JSON-able."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from exercises import EXERCISE_NAMES as EXERCISES

VIEWS = ("side", "front")


@dataclass(frozen=True)
class ClipSpec:
    """A synthetic clip.

    ``reps`` counts the reps that count; ``partial_reps`` are extra attempts (not counted) at
    these 1-based positions among all attempts, so there are ``reps + len(partial_reps)``
    attempts. ``faults`` maps an attempt number (1-based, over all attempts) to fault codes of
    ``exercises/faults.py``; ``pauses_s`` adds rest after an attempt; ``rep_tempo`` scales one
    attempt's speed on top of ``tempo`` (2.0 = twice as fast).
    """

    exercise: str = "sit-to-stand"
    view: str = "side"
    side: str = "both"  # limb(s) that work: "left", "right" or "both"
    reps: int = 5
    fps: float = 30.0
    size: tuple[int, int] = (640, 480)
    seed: int = 0
    partial_reps: tuple[int, ...] = ()
    faults: dict[int, tuple[str, ...]] = field(default_factory=dict)
    pauses_s: dict[int, float] = field(default_factory=dict)
    tempo: float = 1.0
    rep_tempo: dict[int, float] = field(default_factory=dict)
    start_rest_s: float = 2.0  # quiet period for calibration
    end_rest_s: float = 1.2
    facing: str = "right"  # side view: which image edge the person faces
    yaw_deg: float = 0.0  # extra turn away from a pure side/front view
    arm_mode: str = "flexion"  # arm raise: "flexion" (forward, overhead) or "abduction" (sideways)
    weak_side: str = "right"  # the side that moves less in an "asymmetry" fault
    height_m: float = 1.70
    figure_scale: float = 0.72  # standing height as a fraction of the frame height
    center_x: float = 0.5
    background: str = "plain"  # "plain" or "cluttered"
    shirt_bgr: tuple[int, int, int] | None = None  # None: chosen from the seed
    trousers_bgr: tuple[int, int, int] | None = None
    noise_sigma: float = 2.0
    brightness: float = 1.0
    camouflage: float = 0.0  # 0: the clothes' own colours .. 1: clothes the colour of the wall behind
    hold_s: float = 0.0  # timed holds (balance): each hold's length; 0: the script's default

    def __post_init__(self) -> None:
        if self.exercise not in EXERCISES:
            raise ValueError(f"exercise must be one of {EXERCISES}, got {self.exercise!r}")
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {VIEWS}, got {self.view!r}")
        if self.side not in ("left", "right", "both"):
            raise ValueError(f"side must be left, right or both, got {self.side!r}")
        if self.facing not in ("left", "right"):
            raise ValueError(f"facing must be left or right, got {self.facing!r}")
        if not 0.0 <= self.camouflage <= 1.0:
            raise ValueError(f"camouflage must be from 0 to 1, got {self.camouflage!r}")
        if self.hold_s < 0:
            raise ValueError("hold_s must be >= 0")
        if self.reps < 0:
            raise ValueError("reps must be >= 0")
        n = self.attempts
        for k in (*self.partial_reps, *self.faults, *self.pauses_s, *self.rep_tempo):
            if not 1 <= int(k) <= n:
                raise ValueError(f"attempt number {k} outside 1..{n}")
        # JSON gives string keys and lists; normalise so equal specs compare equal.
        object.__setattr__(self, "size", tuple(int(v) for v in self.size))
        object.__setattr__(self, "partial_reps", tuple(sorted(int(v) for v in self.partial_reps)))
        object.__setattr__(self, "faults", {int(k): tuple(v) for k, v in self.faults.items()})
        object.__setattr__(self, "pauses_s", {int(k): float(v) for k, v in self.pauses_s.items()})
        object.__setattr__(self, "rep_tempo", {int(k): float(v) for k, v in self.rep_tempo.items()})
        for name in ("shirt_bgr", "trousers_bgr"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, tuple(int(v) for v in getattr(self, name)))

    @property
    def attempts(self) -> int:
        return self.reps + len(set(self.partial_reps))

    def is_partial(self, attempt: int) -> bool:
        return attempt in self.partial_reps

    def faults_of(self, attempt: int) -> tuple[str, ...]:
        return tuple(self.faults.get(attempt, ()))

    def speed_of(self, attempt: int) -> float:
        return self.tempo * self.rep_tempo.get(attempt, 1.0)

    def to_dict(self) -> dict:
        d = asdict(self)
        for name in ("faults", "pauses_s", "rep_tempo"):
            d[name] = {str(k): (list(v) if isinstance(v, tuple) else v) for k, v in d[name].items()}
        for name in ("size", "partial_reps", "shirt_bgr", "trousers_bgr"):
            if d[name] is not None:
                d[name] = list(d[name])
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ClipSpec":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})
