"""Deterministic test data: reps with metrics and faults, and pose frames."""
from __future__ import annotations

import numpy as np

from coach.pose.frame import PoseFrame
from exercises.base import Fault, Rep


def make_rep(i: int, *, counted: bool = True, rom: float = 85.0, faults: tuple[str, ...] = (),
             side: str = "") -> Rep:
    start = 3.0 * i
    return Rep(index=i if counted else 0, start_s=start, end_s=start + 2.5, counted=counted,
               metrics={"rom_deg": rom + i, "duration_s": 2.5},
               faults=tuple(Fault(code, start + 1.0, f"{code} seen") for code in faults),
               confidence="ok", side=side)


def make_frames(t0: float, n: int = 30, fps: float = 30.0, seed: int = 0) -> list[PoseFrame]:
    rng = np.random.default_rng(seed)
    frames = []
    for k in range(n):
        ts = t0 + k / fps
        if k % 10 == 9:  # every tenth frame nobody was found
            frames.append(PoseFrame.empty(ts, (640, 480)))
        else:
            frames.append(PoseFrame(ts, rng.random((33, 4)), rng.random((33, 3)) - 0.5, (640, 480)))
    return frames


def seed_history(store, patient_id: str = "P001", days: int = 6):
    """A plausible fortnight: improving sit-to-stand with left/right reps, a chair-stand test each
    session, one interrupted session and one stopped for pain. Returns the session ids."""
    from datetime import datetime, timedelta, timezone

    from coach.programme import tomlfile
    from coach.reports.norms import interpret

    patient = store.patient(patient_id)
    store.save_programme(tomlfile.loads(PROGRAMME_TOML.replace("P001", patient_id)))
    start = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
    ids = []
    for day in range(days):
        rec = store.start_session(patient_id, "sit-to-stand", "camera:0", {"model": "full"},
                                  algorithm_version="sts-1", programme_version=1,
                                  started_at=start + timedelta(days=2 * day))
        for _ in range(2):
            rec.start_set(8)
            for i in range(1, 9 + (day > 2)):
                side = "left" if i % 2 else "right"
                rom = 70 + 3 * day + (-8 if side == "left" else 0)
                faults = ("trunk_flexion",) if (i + day) % 4 == 0 else ()
                rec.add_rep(Rep(i, 3.0 * i, 3.0 * i + 2.6 - 0.1 * day, metrics={"rom_deg": rom + i % 3},
                                faults=tuple(Fault(c, 3.0 * i + 1.2, "trunk 58 deg (limit 50)") for c in faults),
                                side=side))
            rec.add_rep(Rep(0, 40.0, 42.0, counted=False, faults=(Fault("incomplete_stand", 41.0),)))
            rec.end_set()
        rec.add_test_result(interpret("chair-stand-30s", 9 + day, patient.age, patient.sex))
        if day == 4:
            rec.add_event("stopped_for_pain", 30.0, "knee pain")
            rec.finish("stopped")
        elif day != 3:
            rec.finish()
        else:
            rec.flush()
            rec.abandon()  # day 3: the coach crashed mid-session
        ids.append(rec.session_id)
    return ids


PROGRAMME_TOML = """
patient = "P001"
author = "physio A"
note = "start of block"

[[exercise]]
name = "sit-to-stand"
sets = 2
reps = 8
rest_s = 90
days = ["mon", "wed", "fri"]
thresholds = { trunk_flexion_limit_deg = 55 }

[[exercise]]
name = "heel-raise"
sets = 2
reps = 10
support = "one-hand"
"""
