"""Ground truth of a synthetic clip: what was made, rep by rep, as a dataclass and as JSON."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

STS_TEST_REPS = 5  # the Five Times Sit-to-Stand test
SEAT_CONTACT_M = 0.01  # hip within 1 cm of its seated height = buttocks on the seat (~1 px at 480x360)


@dataclass(frozen=True)
class RepTruth:
    """One attempt. ``counted`` is False for a partial attempt. Times in seconds from the start.

    ``start_s``: movement begins; ``end_s``: back at rest (seated, heels down, arms down);
    ``peak_s``: the top of the movement (full standing, highest heel, deepest squat, furthest
    reach, highest arm); ``stand_s`` (sit-to-stand only): full standing reached, None if never;
    ``seated_s`` (sit-to-stand only): the buttocks back on the seat, i.e. the first moment of the
    descent the hip is within ``SEAT_CONTACT_M`` of its seated height (the 5xSTS stop, CLINICAL.md);
    ``end_s`` comes later, once the trunk is back upright and the legs have settled.
    ``metrics``: the true values that made it, e.g. peak trunk flexion, heel lift in metres.
    """

    index: int  # 1-based over all attempts
    start_s: float
    end_s: float
    counted: bool
    faults: tuple[str, ...] = ()
    peak_s: float = 0.0
    stand_s: float | None = None
    seated_s: float | None = None
    metrics: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class GroundTruth:
    exercise: str
    view: str
    side: str
    fps: float
    frames: int
    size: tuple[int, int]
    reps: tuple[RepTruth, ...]
    spec: dict
    notes: dict = field(default_factory=dict)  # the script's own truth (holds, balance events), JSON-able

    @property
    def duration_s(self) -> float:
        return self.frames / self.fps

    @property
    def true_reps(self) -> int:
        return sum(r.counted for r in self.reps)

    @property
    def test_time_s(self) -> float | None:
        """5xSTS time: start of the first rise to the buttocks touching the seat after the 5th
        counted stand (``seated_s``; ``end_s`` for truth written before seated_s existed)."""
        if self.exercise != "sit-to-stand":
            return None
        counted = [r for r in self.reps if r.counted]
        if len(counted) < STS_TEST_REPS:
            return None
        last = counted[STS_TEST_REPS - 1]
        stop = last.seated_s if last.seated_s is not None else last.end_s
        return round(stop - self.reps[0].start_s, 4)

    def to_dict(self) -> dict:
        return {
            "exercise": self.exercise, "view": self.view, "side": self.side, "fps": self.fps,
            "frames": self.frames, "duration_s": round(self.duration_s, 4), "size": list(self.size),
            "true_reps": self.true_reps,
            "reps": [{**asdict(r), "faults": list(r.faults)} for r in self.reps],
            "test_time_s": self.test_time_s, "spec": self.spec, **({"notes": self.notes} if self.notes else {}),
        }

    @classmethod
    def from_dict(cls, d: dict) -> "GroundTruth":
        reps = tuple(RepTruth(**{**r, "faults": tuple(r["faults"])}) for r in d["reps"])
        return cls(d["exercise"], d["view"], d["side"], d["fps"], d["frames"], tuple(d["size"]), reps, d["spec"],
                   d.get("notes", {}))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=1) + "\n")


def load_truth(path: str | Path) -> GroundTruth:
    return GroundTruth.from_dict(json.loads(Path(path).read_text()))
