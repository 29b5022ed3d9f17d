"""Adherence per week against a prescription whose numbers are known: sit-to-stand on Monday,
Wednesday and Friday, twice a day, 2 x 8; a new version (2 x 10) from a Wednesday on."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

from coach.programme.model import Programme, ProgrammeExercise
from coach.progress.adherence import Done, load, monday, weekly

MON = date(2026, 11, 2)  # a Monday


def _programme(reps: int, version: int, created: datetime | None) -> Programme:
    item = ProgrammeExercise("sit-to-stand", sets=2, reps=reps, days=("mon", "wed", "fri"), times=("08:00", "18:00"))
    return Programme("P001", (item,), version=version, created_at=created)


def test_a_full_week_counts_prescribed_occasions_and_done_sessions():
    history = [_programme(8, 1, None)]
    done = [Done(MON, "sit-to-stand", 16), Done(MON, "sit-to-stand", 16), Done(MON + timedelta(days=2), "sit-to-stand", 8),
            Done(MON + timedelta(days=4), "sit-to-stand", 0)]  # nothing counted: not a session done
    [w] = weekly(history, done, MON, MON + timedelta(days=6))
    assert (w.sessions_done, w.sessions_prescribed, w.reps_done, w.reps_target) == (3, 6, 40, 96)
    assert w.words() == "3 of 6 sessions, 40 of 96 repetitions" and w.days == 7


def test_a_new_version_counts_from_its_day_and_the_current_week_up_to_today():
    wed_noon = datetime.combine(MON + timedelta(days=2), time(12, 0)).astimezone()
    history = [_programme(8, 1, None), _programme(10, 2, wed_noon)]
    [w] = weekly(history, [], MON, MON + timedelta(days=2))  # today is Wednesday
    assert w.days == 3
    assert (w.sessions_prescribed, w.reps_target) == (4, 2 * 2 * 8 + 2 * 2 * 10)  # Monday at 2x8, Wednesday at 2x10


def test_days_before_the_first_programme_prescribe_nothing_and_weeks_run_monday_to_sunday():
    thu = datetime.combine(MON + timedelta(days=3), time(9, 0)).astimezone()
    weeks = weekly([_programme(8, 1, thu)], [Done(MON + timedelta(days=8), "heel-raise", 12)], MON + timedelta(days=3),
                   MON + timedelta(days=9))
    assert [w.week_start for w in weeks] == [MON, MON + timedelta(days=7)] and monday(MON + timedelta(days=6)) == MON
    assert weeks[0].sessions_prescribed == 2  # Friday only
    assert (weeks[1].sessions_done, weeks[1].reps_done, weeks[1].sessions_prescribed) == (1, 12, 4)
    assert weeks[1].by_exercise["heel-raise"] == (1, 0, 12, 0)  # done outside the programme: still done


def test_from_the_store_tests_and_left_out_sessions_are_not_training(clinic):
    from exercises.validated_tests import interpret
    from tests.store.factories import make_rep

    clinic.save_programme(Programme("P001", (ProgrammeExercise("sit-to-stand", sets=1, reps=5),)))
    today = date.today()
    start = datetime.now(timezone.utc) - timedelta(minutes=30)
    ids = []
    for k in range(2):
        rec = clinic.start_session("P001", "sit-to-stand", "camera:0", {}, started_at=start + timedelta(minutes=k),
                                   lazy=False)
        rec.start_set(5)
        for i in range(1, 5):
            rec.add_rep(make_rep(i))
        rec.end_set()
        rec.finish()
        ids.append(rec.session_id)
    clinic.save_test_result("P001", interpret("chair-stand-30s", 11, 72, "female"))
    clinic.exclude_session(ids[1], "anna", "a visitor was counted")
    [w] = load(clinic, "P001", today, today)
    assert (w.sessions_done, w.reps_done) == (1, 4)
    assert w.sessions_prescribed == 1 and w.reps_target == 5

    from coach.progress.wins import small_wins, this_week
    from coach.reports import collect, render_html

    wins = small_wins([], [], today, this_week(clinic, "P001", today))
    assert wins[0] == "You have done all 1 of this week's sessions so far. Well done!"
    history = collect(clinic, "P001")
    assert (history.adherence[-1].sessions_done, history.adherence[-1].reps_target) == (1, 5)
    assert "Adherence by week" in render_html(history)


def test_the_patients_words_for_part_of_the_week():
    from coach.progress.adherence import WeekAdherence
    from coach.progress.wins import adherence_win, small_wins

    part = WeekAdherence(MON, 3, 2, 6, 20, 60)
    assert adherence_win(part) == "You have done 2 of this week's 6 sessions so far."
    assert adherence_win(WeekAdherence(MON, 3, 0, 6, 0, 60)) == ""  # nothing done: the effort line speaks
    assert small_wins([], [], MON, WeekAdherence(MON, 1, 0, 2, 0, 16)) == \
        ["A new week is a fresh start: even one short session counts."]
