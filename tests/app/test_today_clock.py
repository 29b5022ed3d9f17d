"""Today by the clock (``coach.app.today_clock``): due now, missed, next, later, any time, done."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from coach.app import today_clock


@dataclass(frozen=True)
class Slot:
    exercise: str
    done: bool = False

    @property
    def item(self):
        return self


@dataclass(frozen=True)
class Group:
    at: str | None
    slots: tuple
    done: bool = False


def _groups():
    return [Group("08:00", (Slot("sit-to-stand"),)), Group("12:00", (Slot("squat"),), done=True),
            Group("13:00", (Slot("heel-raise"),)), Group("18:00", (Slot("head-turn"),)),
            Group("20:00", (Slot("reach"),)), Group(None, (Slot("arm-raise"),))]


def test_marks_by_the_clock_due_now_first():
    marked = today_clock.mark_groups(_groups(), datetime(2026, 12, 3, 13, 5))
    assert [(m.group.at, m.mark) for m in marked] == [
        ("13:00", "now"), ("08:00", "missed"), (None, "anytime"), ("18:00", "next"), ("20:00", "later"),
        ("12:00", "done")]
    assert today_clock.headline(marked, datetime(2026, 12, 3, 13, 5)) == "It is 13:05. Now: Heel raise."
    assert "10:00" in marked[2].words  # the phone's reminder time of an any-time exercise, said


def test_window_edges():
    g = [Group("13:00", (Slot("heel-raise"),))]
    at = lambda h, m: today_clock.mark_groups(g, datetime(2026, 12, 3, h, m))[0].mark  # noqa: E731
    assert (at(12, 44), at(12, 45), at(13, 59), at(14, 0)) == ("next", "now", "now", "missed")


def test_clock_from_the_environment(monkeypatch):
    monkeypatch.setenv(today_clock.NOW_ENV, "2026-12-03T17:51")
    assert today_clock.now() == datetime(2026, 12, 3, 17, 51)
    monkeypatch.setenv(today_clock.NOW_ENV, "not a time")
    assert today_clock.now().year >= 2026
