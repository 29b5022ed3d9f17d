"""``coach analyze --patient`` keeps the analysis as a session the physio can review."""
from __future__ import annotations

import json
import subprocess
import sys

from coach.store import Store
from coach.synth import ClipSpec, generate, write_clip


def run(*args, env):
    return subprocess.run([sys.executable, "-m", "coach.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300)


def test_analysis_is_saved_for_a_known_patient_and_refused_for_an_unknown_one(tmp_path, monkeypatch):
    import os

    env = {**os.environ, "COACH_DATA_DIR": str(tmp_path / "data")}
    env.pop("COACH_DATABASE_URL", None)
    clip = generate(ClipSpec(exercise="arm-raise", view="front", reps=2, size=(480, 360), seed=11))
    video = tmp_path / "arm.mp4"
    write_clip(clip, video)

    unknown = run("analyze", str(video), "-e", "arm-raise", "--patient", "P404", "--no-video", "-q", env=env)
    assert unknown.returncode == 2 and "no patient 'P404'" in unknown.stderr and "Traceback" not in unknown.stderr

    assert run("programme", "create", "P7", "--age", "68", env=env).returncode == 0
    proc = run("analyze", str(video), "-e", "arm-raise", "--patient", "P7", "--no-video", "-q", "--json",
               "--out", str(tmp_path / "out"), env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["reps"] == clip.truth.true_reps == 2

    with Store.open(f"sqlite:///{tmp_path / 'data' / 'coach.db'}") as store:
        sessions = store.sessions("P7")
        assert len(sessions) == 1
        record = store.load_session(sessions[0].id)
        assert sum(r.counted for s in record.sets for r in s.reps) == 2
        assert len(store.load_poses(sessions[0].id)) == clip.truth.frames
