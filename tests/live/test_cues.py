from coach.live.cues import COACH, COUNT, CueEngine, CueRateLimiter, number_word, spoken_count
from coach.live.fatigue import FatigueSignal
from coach.live.sets import SetEvent
from exercises.base import Fault, Rep


def rep(i, faults=()):
    return Rep(index=i, start_s=0, end_s=1, faults=tuple(Fault(c, 0.5) for c in faults))


def test_same_cue_waits_for_its_own_gap():
    limiter = CueRateLimiter(per_cue_gap_s=10, global_gap_s=2)
    assert limiter.allow("Keep your chest up", 0.0)
    assert not limiter.allow("Keep your chest up", 5.0)
    assert limiter.allow("Keep your chest up", 10.0)


def test_any_cue_waits_for_the_global_gap():
    limiter = CueRateLimiter(per_cue_gap_s=10, global_gap_s=2)
    assert limiter.allow("Keep your chest up", 0.0)
    assert not limiter.allow("Stand all the way up", 1.0)
    assert limiter.allow("Stand all the way up", 2.5)


def test_refused_cue_does_not_reset_the_clock():
    limiter = CueRateLimiter(per_cue_gap_s=10, global_gap_s=2)
    limiter.allow("A", 0.0)
    for t in (1, 3, 5, 7, 9):
        limiter.allow("A", t)
    assert limiter.allow("A", 10.0)


def test_rep_numbers_are_never_rate_limited():
    engine = CueEngine(CueRateLimiter(per_cue_gap_s=60, global_gap_s=60))
    said = [c.text for n in range(1, 5) for c in engine.on_rep(n * 0.5, rep(n), n) if c.kind == COUNT]
    assert said == ["One", "Two", "Three", "Four"]


def test_fault_cue_follows_the_count_but_is_not_repeated_every_rep():
    engine = CueEngine(CueRateLimiter(per_cue_gap_s=15, global_gap_s=5))
    first = engine.on_rep(2.0, rep(1, ["trunk_flexion"]), 1)
    assert [c.text for c in first] == ["One", "Keep your chest up"]
    second = engine.on_rep(4.0, rep(2, ["trunk_flexion"]), 2)
    assert [c.text for c in second] == ["Two"]  # not nagged again 2 s later
    later = engine.on_rep(20.0, rep(3, ["trunk_flexion"]), 3)
    assert "Keep your chest up" in [c.text for c in later]


def test_attempt_that_did_not_count_gets_a_specific_cue():
    engine = CueEngine()
    cues = engine.on_attempt(3.0, Rep(0, 1, 3, counted=False, faults=(Fault("incomplete_stand", 2.0),)))
    assert [c.text for c in cues] == ["Stand all the way up"]
    assert cues[0].kind == COACH


def test_praise_after_a_corrected_fault():
    engine = CueEngine(CueRateLimiter(per_cue_gap_s=5, global_gap_s=1))
    engine.on_rep(2.0, rep(1, ["uncontrolled_sit"]), 1)
    cues = engine.on_rep(9.0, rep(2), 2)
    assert [c.text for c in cues] == ["Two", "That's it, well done"]


def test_set_announcements():
    engine = CueEngine()
    rest = engine.on_set_event(SetEvent("rest_started", 30.0, 1, 60.0))
    assert rest[0].text == "Set one done, rest 60 seconds"
    assert engine.on_set_event(SetEvent("countdown", 0.0, 2, 3))[0].text == "Three"
    assert engine.on_set_event(SetEvent("paused", 5.0, 1, detail="fall"))[0].kind == "safety"


def test_coaching_waits_after_an_announcement():
    engine = CueEngine(quiet_after_announce_s=1.0)
    engine.on_set_event(SetEvent("set_started", 10.0, 1, 10))
    assert engine.on_fault(10.3, "trunk_flexion") == []
    assert engine.on_fault(11.5, "trunk_flexion")[0].text == "Keep your chest up"


def test_fatigue_suggestion_is_always_said():
    engine = CueEngine(CueRateLimiter(per_cue_gap_s=60, global_gap_s=60))
    engine.on_fault(0.0, "trunk_flexion")
    cues = engine.on_fatigue(1.0, FatigueSignal(1.0, "slower", ""))
    assert cues and "rest" in cues[0].text


def test_number_words():
    assert number_word(3) == "three" and spoken_count(12) == "Twelve" and spoken_count(25) == "25"
