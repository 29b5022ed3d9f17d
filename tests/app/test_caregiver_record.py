"""A caregiver beside the patient (issue 22 item 6), below the pages: which exercises and tests need
spotting, the loss of balance said aloud for the caregiver at the moment the generator put it, and
"Is someone with you?" / "Did they help?" kept with the session, carried whole by the share file and
refused there with any other answer. True landmarks of generated clips (no pose model)."""
from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from coach import caregiver
from coach.live import LiveSession, SetPlan
from coach.live.holds import BALANCE_LOSS_CUE, HoldCoach
from coach.live.sinks import SpeechSink
from coach.live.speech import SilentSpeaker
from coach.pipeline import Pipeline
from coach.sources import TimedFrame
from coach.store import Store
from coach.store.bundle import export_bundle, import_bundle
from coach.synth.extended import generate_ext
from coach.synth.scripts.single_leg_stance import Hold, script
from exercises import SPECS
from exercises.single_leg_stance import SPEC
from exercises.validated_tests import TESTS
from tests.live.conftest import TruthEstimator

IMAGE = np.full((240, 320, 3), 90, np.uint8)


def test_spotting_is_a_fact_of_every_exercise_and_test():
    needs = {s.name for s in SPECS if s.needs_spotting}
    assert {"single-leg-stance", "tandem-stance", "step-up"} <= needs  # the issue's: balance holds, step-ups
    assert all(s.needs_spotting for s in SPECS if s.timed_hold)  # the policy for holds
    assert not {"sit-to-stand", "arm-raise", "head-turn"} & needs
    assert TESTS["timed-up-and-go"].needs_spotting and not TESTS["chair-stand-30s"].needs_spotting
    assert caregiver.exercise_spotting("step-up").endswith(".") and caregiver.exercise_spotting("nope") == ""


@pytest.fixture(scope="module", params=["step", "drop"])
def hold_ended_by_loss(request):
    """One live hold that ends in a loss of balance (a sudden step, a fall-like drop), heard through
    two speakers at once: one in caregiver mode, one not. -> (said, said in caregiver mode, the
    moment the coach raised the loss, the generator's moment)."""
    tl, truth = script((Hold(2.5, request.param),), "left")
    clip = generate_ext(tl, truth, "side", size=(320, 240))
    plain, for_caregiver = SilentSpeaker(), SilentSpeaker()
    session = LiveSession(Pipeline(TruthEstimator(clip.poses, clip.fps), SPEC.machine(SPEC)), SPEC.name,
                          plan=SetPlan(sets=1, reps=3, rest_s=5.0, skip_countdown=True, setup_gate=False),
                          holds=HoldCoach(SPEC.name, 30.0),
                          sinks=[SpeechSink(plain), SpeechSink(for_caregiver, caregiver=True)])
    said, said_caregiver, raised = [], [], []
    for i, p in enumerate(clip.poses):
        n, m = len(plain.said), len(for_caregiver.said)
        update = session.push(TimedFrame(i, p.timestamp_s, IMAGE), captured_at=0.0)
        raised += [p.timestamp_s for e in update.events if e.kind == "balance_loss"]
        said += [(p.timestamp_s, text) for text in plain.said[n:]]
        said_caregiver += [(p.timestamp_s, text) for text in for_caregiver.said[m:]]
    return said, said_caregiver, raised, clip.truth["holds"][0]["event"]["time_s"]


def test_in_caregiver_mode_the_loss_of_balance_is_said_for_them_at_once(hold_ended_by_loss):
    _, said, raised, truth_s = hold_ended_by_loss
    alerts = [(t, text) for t, text in said if text.startswith(caregiver.ALERT)]
    assert len(alerts) == 1 and len(raised) == 1, said
    t, text = alerts[0]
    assert t == raised[0]  # on the very frame the coach sees it
    assert truth_s - 0.1 <= t <= truth_s + 0.6  # the generator's step landing or drop, plus the time to see it
    assert BALANCE_LOSS_CUE in text  # the patient's own safety words follow in the same breath


def test_without_caregiver_mode_the_patient_hears_only_their_own_cue(hold_ended_by_loss):
    said, _, raised, _ = hold_ended_by_loss
    assert not [text for _, text in said if caregiver.ALERT in text]
    assert [t for t, text in said if text == BALANCE_LOSS_CUE] == raised


@pytest.fixture
def stores(tmp_path):
    home = Store.open(f"sqlite:///{tmp_path / 'home' / 'coach.db'}", fallback_dirs=[tmp_path / 'home' / 'unsaved'])
    clinic = Store.open(f"sqlite:///{tmp_path / 'clinic' / 'coach.db'}",
                        fallback_dirs=[tmp_path / 'clinic' / 'unsaved'])
    home.add_patient("P001", age=70, sex="female", condition="stroke", affected_side="left")
    yield home, clinic
    home.close()
    clinic.close()


def _hold_with_caregiver(store) -> int:
    """A live hold session as the factory records it: the caregiver's presence at its start."""
    from coach.live.factory import LiveOptions, start_recording
    from exercises.base import Rep

    rec = start_recording(LiveOptions("single-leg-stance", patient="P001", caregiver="present"), store)
    rec.start_set(3)
    rec.add_rep(Rep(1, 0.5, 4.5, True, {"hold_s": 4.0}))
    rec.add_event("balance_loss", 4.5, "step: the free foot went down")
    rec.finish("stopped")
    return rec.session_id


def test_presence_and_help_are_kept_with_the_session_and_travel_in_the_share_file(stores, tmp_path):
    home, clinic = stores
    sid = _hold_with_caregiver(home)
    home.add_session_event(sid, 5.0, caregiver.HELP_KIND, "steadied")
    record = caregiver.from_events(home.load_session(sid).events, home.session_events(sid))
    assert record == caregiver.CaregiverRecord(present=True, helped="steadied")
    assert caregiver.physio_words(record) == "Caregiver present; they steadied the patient"
    with pytest.raises(ValueError, match="steadied"):
        home.add_session_event(sid, 5.0, caregiver.HELP_KIND, "a bit")

    path = export_bundle(home, "P001", tmp_path / "P001.coachbundle")
    report = import_bundle(clinic, path)
    [there] = clinic.sessions("P001")
    assert report.sessions_added and caregiver.from_events(clinic.load_session(there.id).events,
                                                           clinic.session_events(there.id)) == record


def test_a_share_file_with_another_caregiver_answer_is_refused_whole(stores, tmp_path):
    home, clinic = stores
    _hold_with_caregiver(home)
    path = export_bundle(home, "P001", tmp_path / "P001.coachbundle")
    bad = tmp_path / "bad.coachbundle"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("sessions/"):
                body = json.loads(data)
                body["events"] = [dict(e, detail="maybe") if e["kind"] == "caregiver" else e for e in body["events"]]
                data = json.dumps(body).encode()
            dst.writestr(item, data)
    with pytest.raises(Exception, match="maybe|present"):
        import_bundle(clinic, bad)
    assert clinic.sessions("P001") == []


def test_coach_live_takes_the_caregiver_and_keeps_their_help(stores):
    from types import SimpleNamespace

    from coach.cli import build_parser
    from coach.commands import live as cmd

    parse = build_parser().parse_args
    args = parse(["live", "-e", "single-leg-stance", "--patient", "P001", "--no-window", "--caregiver", "present",
                  "--caregiver-help", "steadied"])
    cmd.validate(args)
    with pytest.raises(ValueError, match="--caregiver present"):
        cmd.validate(parse(["live", "-e", "squat", "--caregiver-help", "lifted"]))
    with pytest.raises(SystemExit):
        parse(["live", "-e", "squat", "--caregiver", "maybe"])
    home, _ = stores
    sid = _hold_with_caregiver(home)
    summary = SimpleNamespace(duration_s=9.0, warnings=[])
    cmd._caregiver_help(args, home, SimpleNamespace(session_id=sid), summary)
    assert summary.warnings == []
    assert caregiver.from_events(home.load_session(sid).events, home.session_events(sid)) == \
        caregiver.CaregiverRecord(present=True, helped="steadied")


def test_nothing_said_after_the_call_can_replace_it_while_it_waits():
    from types import SimpleNamespace as LiveUpdate  # the sink reads time_s, cues and events only

    from coach.live.cues import Cue
    from coach.live.update import SessionEvent

    speaker = SilentSpeaker()
    sink = SpeechSink(speaker, caregiver=True)
    loss = SessionEvent("balance_loss", 5.0, "step: the free foot went down")
    sink.on_update(LiveUpdate(time_s=5.0, cues=(Cue(BALANCE_LOSS_CUE, "safety", 5.0),), events=(loss,)))
    sink.on_update(LiveUpdate(time_s=6.0, cues=(Cue("The set is paused", "safety", 6.0),), events=()))
    sink.on_update(LiveUpdate(time_s=5.0 + caregiver.ALERT_QUIET_S + 0.1, cues=(Cue("Well done", "praise", 10.2),),
                              events=()))
    assert speaker.said == [f"{caregiver.ALERT}. {BALANCE_LOSS_CUE}", "Well done"]
