"""Today by the clock: which occasion is due now, which is next, which was missed, in plain words.

Pure logic for ``coach.app.pages.today``. An occasion is *due now* from ``EARLY_MIN`` minutes before
its time until ``LATE_MIN`` after; *missed* once that window has passed with sets left (it can
still be done: the words say so); the first one still ahead is *next*, the others *later*. An
occasion with no time is *any time today*; its phone reminder rings at ``ANYTIME_AT``
(``coach.programme.calendar``), and the card says so, so the app and the phone agree.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from coach.programme.calendar import ANYTIME_AT

EARLY_MIN = 15  # an occasion is "due now" from this many minutes before its time ...
LATE_MIN = 60  # ... until this many after; then, with sets left, it is "missed"
NOW_ENV = "COACH_APP_NOW"  # "2026-12-03T17:51": the clock the Today page reads (demos and tests)

# mark -> (badge words, order on the page: what to do now first, what is done last)
MARKS = {"now": ("Due now", 0), "missed": ("Not done yet", 1), "anytime": ("Any time today", 2),
         "next": ("Next", 3), "later": ("Later today", 4), "done": ("Done ✓", 5)}


@dataclass(frozen=True)
class Marked:
    group: object  # coach.programme.schedule.DueGroup
    mark: str  # a key of MARKS
    words: str  # the line under the heading, in plain words

    @property
    def badge(self) -> str:
        return MARKS[self.mark][0]


def now() -> datetime:
    """Local time now, or ``COACH_APP_NOW`` when set (a demo or a test at a chosen time of day)."""
    fixed = os.environ.get(NOW_ENV, "").strip()
    if fixed:
        try:
            return datetime.fromisoformat(fixed)
        except ValueError:
            pass
    return datetime.now()


def _minutes(at: str) -> int:
    return int(at[:2]) * 60 + int(at[3:5])


def mark_groups(groups, at_time: datetime) -> list[Marked]:
    """Each occasion with its mark, in the order to show them: due now, missed, any time, next,
    later, done (the day's order within each)."""
    t = at_time.hour * 60 + at_time.minute
    out: list[Marked] = []
    next_given = False
    for g in groups:
        if g.done:
            out.append(Marked(g, "done", "Done today. Well done!"))
        elif g.at is None:
            out.append(Marked(g, "anytime", f"Do it when it suits you. Your phone reminds you at {ANYTIME_AT}."))
        elif _minutes(g.at) - EARLY_MIN <= t < _minutes(g.at) + LATE_MIN:
            out.append(Marked(g, "now", f"Set for {g.at}. Now is a good time."))
        elif t >= _minutes(g.at) + LATE_MIN:
            out.append(Marked(g, "missed", f"It was due at {g.at}. You can still do it now."))
        elif not next_given:
            next_given = True
            out.append(Marked(g, "next", f"Next, at {g.at}."))
        else:
            out.append(Marked(g, "later", f"Later today, at {g.at}."))
    return sorted(out, key=lambda m: MARKS[m.mark][1])  # stable: the day's order within a mark


def headline(marked: list[Marked], at_time: datetime) -> str:
    """One line for the top of the page: the time, and what to do now or next."""
    clock = f"It is {at_time:%H:%M}."
    first = {m.mark: m for m in reversed(marked)}  # the first group of each mark
    if "now" in first:
        return f"{clock} Now: {_names(first['now'].group)}."
    if "missed" in first:
        return f"{clock} Not done yet today: {_names(first['missed'].group)}. You can do it now."
    if "anytime" in first:
        return f"{clock} To do today: {_names(first['anytime'].group)}."
    if "next" in first:
        return f"{clock} Next, at {first['next'].group.at}: {_names(first['next'].group)}."
    return f"{clock} All done for today."


def _names(group) -> str:
    from coach import labels

    return ", ".join(labels.exercise(s.item.exercise) for s in group.slots if not s.done)


def reminder_times(programme) -> list[tuple[str, str]]:
    """(time, exercise label) of every reminder the calendar file sets, in the order of the day."""
    from coach import labels

    rows = [(at or ANYTIME_AT, labels.exercise(e.exercise)) for e in programme.exercises
            for at in (e.effective_times or (None,))]
    return sorted(rows, key=lambda r: r[0])
