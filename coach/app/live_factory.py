"""Assembles a ``BrowserCoach`` the way ``coach.live.factory`` assembles the CLI's coach: the same
``Pipeline``, ``LiveSession``, HUD, cues and store recorder; only the set plan differs (the
browser has buttons, so the set-up check and countdown stay on)."""
from __future__ import annotations

from dataclasses import dataclass, field

from coach.app.webrtc_coach import BrowserCoach
from coach.live import LiveSession, SetPlan
from coach.live.cues import CueEngine
from coach.live.fatigue import monitor_for
from coach.live.factory import coaching_extras
from coach.live.hud import BUTTON_HINTS, LiveHud
from coach.live.prescription import prescribed
from coach.live.sinks import RecorderSink, SpeechSink
from coach.live.speech import make_speaker
from coach.pipeline import Pipeline
from coach.programme.overrides import prescribed_overrides
from exercises.pacing import Tempo


@dataclass(frozen=True)
class LivePlan:
    exercise: str
    side: str = "auto"
    sets: int = 1
    reps: int = 10
    rest_s: float = 60.0
    programme_version: int | None = None
    overrides: dict[str, float] = field(default_factory=dict)  # thresholds; default: the patient's programme
    tempo: Tempo | None = None  # a metronome; default: the patient's programme item's
    hold_s: float | None = None  # balance holds' target; default: the programme item's, else 30 s
    setup_gate: bool = True  # False: no set-up check before the countdown (the TUG's camera must be far away)
    countdown_s: int = 3  # the TUG's is longer: time to walk from the laptop and sit down


def build_coach(plan: LivePlan, model: str, patient_id: str | None = None, store=None,
                voice: str = "none", estimator=None) -> BrowserCoach:
    """A ready coach; records to ``store`` when a patient is given. Raises ModelError/StoreError."""
    if estimator is None:
        from coach.pose.estimator import PoseEstimator

        estimator = PoseEstimator(model=model, mode="live")
    speaker = make_speaker(voice)
    overrides = plan.overrides or prescribed_overrides(store, patient_id, plan.exercise)
    rx = prescribed(store, patient_id, plan.exercise)
    tempo, hold_s = plan.tempo or rx.tempo, plan.hold_s or rx.hold_s
    pipeline = Pipeline.for_exercise(estimator, plan.exercise, side=plan.side, overrides=overrides)
    holds, pacer = coaching_extras(pipeline.exercise.spec, plan.exercise, tempo, hold_s)
    session = LiveSession(
        pipeline, plan.exercise,
        plan=SetPlan(sets=plan.sets, reps=plan.reps, rest_s=plan.rest_s, setup_gate=plan.setup_gate,
                     countdown_s=plan.countdown_s),
        side=plan.side, cue_engine=CueEngine(exercise=plan.exercise),
        fatigue=monitor_for(store, patient_id, plan.exercise),
        renderer=LiveHud(mirror=True, exercise_label=plan.exercise.replace("-", " ").title(), hints=BUTTON_HINTS),
        speech_name=speaker.name, holds=holds, pacer=pacer)
    session.sinks.append(SpeechSink(speaker))
    if patient_id and store is not None:
        settings = {"sets": plan.sets, "reps": plan.reps, "rest_s": plan.rest_s, "side": plan.side,
                    "model": model, "mode": "live-browser"}
        if pacer is not None:
            settings["tempo_per_min"] = round(pacer.tempo.per_min, 3)
        if holds is not None:
            settings["hold_s"] = holds.target_s
        try:
            recorder = store.start_session(patient_id, plan.exercise, source="browser camera", settings=settings,
                                           programme_version=plan.programme_version)
        except Exception:
            estimator.close()
            raise
        session.sinks.append(RecorderSink(recorder, side=plan.side))
    return BrowserCoach(session, on_close=estimator.close)
