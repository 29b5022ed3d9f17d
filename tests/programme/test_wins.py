"""Weekly small wins from constructed records: what got better is named with its numbers, what got
worse never is, and a week with nothing better still gets an honest, kind sentence."""
from __future__ import annotations

from datetime import date, timedelta

from coach.progress.wins import small_wins
from tests.programme.factories import record, stored_test

TODAY = date(2026, 12, 1)
THIS = [TODAY - timedelta(days=k) for k in range(7)]  # the last seven days, today first
LAST = [TODAY - timedelta(days=7 + k) for k in range(7)]


def _sts(days, reps_each, start_id=1):
    return [record("sit-to-stand", d, reps_each, sid=start_id + k) for k, d in enumerate(days)]


def test_more_reps_more_days_and_a_better_chair_stand():
    sessions = _sts(THIS[1:5:1], 10, 1) + _sts(LAST[0:6:2], 11, 100)  # 4 days x 10 vs 3 days x 11
    sessions.append(record("sit-to-stand", THIS[4], 2, sid=50))  # a second session the same day
    tests = [stored_test("chair-stand-30s", 9, LAST[3], "stands", 1), stored_test("chair-stand-30s", 11, THIS[2], "stands", 2)]
    wins = small_wins(sessions, tests, TODAY)
    assert "You did 42 sit-to-stands this week, 9 more than last week." in wins
    assert "Your 30-second chair stand went up from 9 to 11 stands." in wins
    assert "You exercised on 4 days this week, 1 more than last week." in wins
    assert "You have exercised 4 days in a row. Keep it going!" in wins  # yesterday back to 4 days ago


def test_faster_five_times_sit_to_stand_and_longer_holds():
    sessions = [record("single-leg-stance", LAST[1], holds_s=(6.2, 8.0), sid=1),
                record("single-leg-stance", THIS[3], holds_s=(9.5, 11.4, 7.0), sid=2),
                record("tandem-stance", THIS[2], holds_s=(15.0,), sid=3)]
    tests = [stored_test("five-times-sts", 16.0, date(2026, 10, 1), "s", 1),
             stored_test("five-times-sts", 14.2, THIS[1], "s", 2)]
    wins = small_wins(sessions, tests, TODAY)
    assert "Your five-times sit-to-stand took 14.2 seconds, 1.8 seconds faster than last time." in wins
    assert "Your longest stand on one leg was 11.4 seconds, 3.4 seconds longer than last week." in wins
    assert "Your longest heel-to-toe stand this week: 15.0 seconds." in wins  # first week of it
    assert not any("holds" in w or "stance repetitions" in w for w in wins)  # holds are not counted as reps


def test_nothing_better_is_never_put_as_a_loss():
    sessions = _sts(THIS[2:4], 5, 1) + _sts(LAST[0:2], 20, 100)  # fewer reps, same number of days
    tests = [stored_test("chair-stand-30s", 12, LAST[2], "stands", 1), stored_test("chair-stand-30s", 10, THIS[2], "stands", 2),
             stored_test("five-times-sts", 13.0, LAST[2], "s", 3), stored_test("five-times-sts", 15.0, THIS[2], "s", 4)]
    wins = small_wins(sessions, tests, TODAY)
    assert wins == ["You exercised on 2 days this week, as steady as last week. "
                    "Steady practice is what builds strength and balance."]
    assert not any(word in " ".join(wins).lower() for word in ("fewer", "less", "worse", "slower", "down"))


def test_an_empty_week_gets_a_fresh_start_and_excluded_sessions_do_not_count():
    assert small_wins([], [], TODAY) == ["A new week is a fresh start: even one short session counts."]
    excluded = [record("squat", THIS[1], 30, sid=1, excluded=True)]
    assert small_wins(excluded, [], TODAY) == small_wins([], [], TODAY)
    one = small_wins([record("squat", THIS[0], 8, sid=2)], [], TODAY)
    assert one == ["You did 8 squats this week."]


def test_a_tiny_hold_gain_is_not_a_win_and_unscored_tests_are_skipped():
    from coach.store.records import StoredTest
    from exercises.validated_tests import TestResult
    from tests.programme.factories import local

    sessions = [record("single-leg-stance", LAST[1], holds_s=(10.0,), sid=1),
                record("single-leg-stance", THIS[1], holds_s=(10.3,), sid=2)]
    unscored = StoredTest(9, 9, "P001", local(THIS[1]), TestResult("chair-stand-30s", None, "stands",
                                                                    cannot_score="nobody was found"))
    wins = small_wins(sessions, [unscored], TODAY)
    assert wins == ["You exercised on 1 day this week, as steady as last week. "
                    "Steady practice is what builds strength and balance."]


def test_each_movement_is_counted_in_its_own_words():
    sessions = [record("heel-raise", THIS[1], 20, sid=1), record("head-turn", THIS[1], 12, sid=2),
                record("reach", THIS[2], 6, sid=3)]
    wins = small_wins(sessions, [], TODAY)
    assert {"You did 20 heel raises this week.", "You did 12 head turns this week.",
            "You did 6 reaches this week."} <= set(wins)
