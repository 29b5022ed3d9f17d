"""A second person in view is a set-up problem the patient is told about, first after 'no person'."""
from coach.live.setup_check import SetupNeeds, frame_problems, summarise_setup
from coach.synth import ClipSpec, generate


def test_two_people_is_reported_with_a_clear_instruction():
    pose = generate(ClipSpec(exercise="arm-raise", view="front", reps=1, size=(320, 240))).poses[10]
    needs = SetupNeeds(("head", "trunk", "hands"), "front", min_height_share=0.2)
    assert frame_problems(pose, needs, people=1) == []
    problems = frame_problems(pose, needs, people=2)
    assert [p.code for p in problems] == ["two_people"]
    result = summarise_setup([problems] * 10, span_s=1.5, brightness=120.0, needs=needs)
    assert not result.ok
    assert result.instruction == "Only one person in the picture, please"


def test_two_people_seen_by_the_real_estimator_reach_the_frame_result(tmp_path):
    """Two rendered figures side by side: the pipeline's FrameResult says 2 people."""
    import numpy as np

    from coach.pipeline import Pipeline
    from coach.pose.estimator import PoseEstimator
    from coach.sources import TimedFrame

    clip = generate(ClipSpec(exercise="arm-raise", view="front", reps=1, size=(320, 240), seed=4))
    image = next(iter(clip.frames()))
    both = np.hstack([image, image[:, ::-1]])
    with PoseEstimator("lite", mode="live") as estimator:
        result = Pipeline.for_exercise(estimator, "arm-raise").process(TimedFrame(0, 0.0, both))
    assert result.people == 2
