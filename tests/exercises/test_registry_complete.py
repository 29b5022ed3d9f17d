"""Every exercise in the registry is complete: walking ``SPECS``, each one has what the rest of the
coach reads from it (a synthetic script whose clips it counts exactly, its words, its metrics, its
set-up needs, a programme entry and a CLI choice), and a spec that leaves a fact out fails at
import with that fact named. A new exercise is tested here without anyone adding it to a list."""
from __future__ import annotations

from dataclasses import replace

import pytest

from coach import labels
from coach.live.setup_check import PART_LANDMARKS
from coach.smoothing import PoseSmoother
from coach.synth import ClipSpec, generate
from coach.synth import scripts
from exercises import SPECS, create_exercise
from exercises.faults import FAULTS, cue, patient_words
from exercises.spec import ExerciseSpec, HoldWords

IDS = [s.name for s in SPECS]


def _view(spec: ExerciseSpec) -> str:
    return spec.setup.view if spec.setup.view in ("side", "front") else "front"


def _run(spec: ExerciseSpec, clip):
    ex = create_exercise(spec.name)
    smoother = PoseSmoother()
    seen_key = False
    for pose in clip.poses:
        ex.update(smoother.apply(pose))
        seen_key |= ex.state.key_angle_deg is not None
    ex.finish(clip.poses[-1].timestamp_s)
    return ex, seen_key


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_its_synthetic_clip_is_counted_exactly_in_the_view_it_asks_for(spec):
    clip = generate(ClipSpec(exercise=spec.name, view=_view(spec), reps=3, side="left" if spec.timed_hold else "both"))
    ex, seen_key = _run(spec, clip)
    counted = [r for r in ex.reps if r.counted]
    assert len(counted) == clip.truth.true_reps > 0, [(r.start_s, r.end_s, r.counted, r.reason) for r in ex.reps]
    assert seen_key, f"{spec.name}: the live screen's key measure {spec.key_measure!r} was never given"
    if spec.amplitude_metric:
        assert all(spec.amplitude_metric in r.metrics for r in counted), \
            f"{spec.name}: amplitude_metric {spec.amplitude_metric!r} is not a metric of its reps"


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
def test_its_words_set_up_programme_and_cli_are_all_there(spec):
    assert labels.exercise(spec.name) == spec.label
    assert labels.reps_phrase(spec.name, 2) == f"2 {spec.rep_noun[1]}"
    for code in spec.faults:
        info = FAULTS[code]
        assert info.label and info.patient and cue(code, spec.name), code
        assert patient_words(code, spec.name)
    assert set(spec.setup.parts) <= set(PART_LANDMARKS), spec.setup.parts
    assert callable(scripts.builder(spec.name))

    from coach.cli import build_parser
    from coach.programme.model import ProgrammeExercise

    ProgrammeExercise(spec.name, sets=1, reps=3, rest_s=30)
    args = build_parser().parse_args(["analyze", "clip.mp4", "--exercise", spec.name])
    assert args.exercise == spec.name


def _spec_kwargs(**changes):
    base = dict(name="hip-abduction", label="Standing hip abduction", machine=object, params=SPECS[0].params,
                scale=SPECS[0].scale, phases=SPECS[0].phases, count_on="end", incomplete_fault="short_range",
                faults=("short_range",), setup=SPECS[0].setup, equipment="A counter to hold",
                variants=("holding on",), default_variant="holding on", synth_script="hip_abduction",
                steps=("Stand tall holding the counter.", "Lift one leg out to the side and back."),
                said_as="hip lifts", amplitude_metric="", motion_family="legs")
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


@pytest.mark.parametrize("missing", ["said_as", "amplitude_metric", "motion_family"])
def test_a_spec_that_leaves_out_a_required_fact_fails_naming_it(missing):
    with pytest.raises(TypeError, match=missing):
        ExerciseSpec(**_spec_kwargs(**{missing: ...}))


@pytest.mark.parametrize("changes, named", [
    (dict(faults=("short_range", "wobbly_knee")), "wobbly_knee"),
    (dict(cues=(("knee_valgus", "Knees out"),)), "knee_valgus"),
    (dict(count_on="hold", incomplete_fault=""), "hold_words"),
    (dict(motion_family="hands"), "motion_family"),
    (dict(synth_script=""), "synth_script"),
    (dict(default_variant="seated"), "seated"),
])
def test_a_spec_with_an_unknown_or_missing_fact_fails_at_import_naming_it(changes, named):
    with pytest.raises(ValueError, match=named):
        ExerciseSpec(**_spec_kwargs(**changes))
    assert ExerciseSpec(**_spec_kwargs(count_on="hold", incomplete_fault="",
                                       hold_words=HoldWords("Foot down.", "Your foot moved.", "Relax."))).timed_hold


def test_a_missing_synthetic_script_is_named_and_stops_no_other_exercise(monkeypatch):
    ghost = replace(SPECS[0], name="ghost", synth_script="no_such_script")
    monkeypatch.setattr(scripts, "get_spec", lambda name: ghost if name == "ghost" else SPECS[0])
    with pytest.raises(LookupError, match="no_such_script"):
        scripts.builder("ghost")
    assert callable(scripts.builder(SPECS[0].name))
