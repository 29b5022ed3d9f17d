"""The programme as an iCalendar file, so the patient's own phone or calendar reminds them.

One recurring event per exercise and time of day (daily, or weekly on the prescribed days), with a
reminder (VALARM) at that time, in the patient's local time zone (a VTIMEZONE written from the
computer's own tz database: nothing is looked up online). UIDs are stable, so importing a newer
version of the programme updates the same events instead of adding copies (SEQUENCE is the
programme version).

The file goes to a phone's calendar, which may sync to a cloud: it names the exercises, never the
patient (no id, age or condition). An item with no time of day gets its reminder at
``ANYTIME_AT``, and says so.
"""
from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar

from coach import labels
from coach.programme.model import WEEKDAYS, Programme, ProgrammeExercise
from coach.programme.routines import occasion
from coach.programme.wording import dosage
from exercises import EXERCISES as SPECS

ANYTIME_AT = "10:00"  # reminder for an item the physio gave no time for
PRODID = "-//Rehab coach//Home exercise programme//EN"
CALENDAR_NAME = "My exercises"
_BYDAY = dict(zip(WEEKDAYS, ("MO", "TU", "WE", "TH", "FR", "SA", "SU")))


# A computer set to UTC has usually just not been told where it is (servers, fresh installs):
# 08:00 UTC would ring at 09:00 in a British summer. Floating times ring at 08:00 on the phone's clock.
UNPLACED_ZONES = {"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
                  "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0", "Etc/Greenwich", "Greenwich"}


def local_zone() -> str | None:
    """This computer's IANA time zone ("Europe/London"), or None when it cannot be told or is plain
    UTC (the events are then 'floating': at 08:00 wherever the phone is)."""
    try:
        import tzlocal

        name = tzlocal.get_localzone_name()
        ZoneInfo(name)
    except Exception:  # no zone configured, or one the tz database does not know
        return None
    return None if name in UNPLACED_ZONES else name


def programme_calendar(programme: Programme, *, tz: str | None = None, start: date | None = None,
                       stamp: datetime | None = None) -> icalendar.Calendar:
    """The calendar for ``programme``; ``tz`` an IANA name (None: floating local times), ``start``
    the first day reminders may fall on (default today), ``stamp`` when it was made (default now)."""
    zone = _zone(tz)
    start = start or date.today()
    stamp = stamp or datetime.now(timezone.utc)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    if zone is not None:
        cal.add("x-wr-timezone", tz)
    for item in programme.exercises:
        for at in item.effective_times or (None,):
            cal.add_component(_event(programme, item, at, zone, start, stamp))
    if zone is not None:
        # the zone's rules for ten years: recurring events outlive the usual three-year window
        cal.add_missing_timezones(first_date=start - timedelta(days=1), last_date=start + timedelta(days=10 * 366))
    return cal


def to_ics(programme: Programme, *, tz: str | None = None, start: date | None = None) -> bytes:
    return programme_calendar(programme, tz=tz, start=start).to_ical()


def _zone(tz: str | None) -> ZoneInfo | None:
    if tz is None:
        return None
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"unknown time zone {tz!r}: use a name like Europe/London or America/New_York") from e


def _event(programme: Programme, item: ProgrammeExercise, at: str | None, zone, start: date,
           stamp: datetime) -> icalendar.Event:
    clock = at or ANYTIME_AT
    first = _first_day(start, item.days)
    begins = datetime.combine(first, time(int(clock[:2]), int(clock[3:])), tzinfo=zone)
    label = labels.exercise(item.exercise)
    event = icalendar.Event()
    event.add("uid", _uid(programme.patient_id, item.exercise, at))
    event.add("dtstamp", stamp)
    event.add("sequence", programme.version or 0)
    event.add("summary", f"{label} {dosage(item).split(',')[0]}")
    event.add("description", _description(item, at))
    event.add("dtstart", begins)
    event.add("duration", _duration(item))
    rule = {"freq": "daily"} if len(item.days) == 7 else {"freq": "weekly", "byday": [_BYDAY[d] for d in item.days]}
    event.add("rrule", rule)
    event.add("class", "PRIVATE")
    event.add("transp", "TRANSPARENT")  # a reminder, not a busy slot in the patient's diary
    event.add("categories", ["Exercise"])
    alarm = icalendar.Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Time for your exercise: {label}")
    alarm.add("trigger", timedelta(0))
    event.add_component(alarm)
    return event


def _description(item: ProgrammeExercise, at: str | None) -> str:
    spec = SPECS.get(item.exercise)
    lines = [f"{labels.exercise(item.exercise)}: {dosage(item)}."]
    when = occasion(item.routine, at, item.times)
    lines.append(f"When: {when}." if at else f"When: any time of the day{f' ({item.routine})' if item.routine else ''}; "
                 f"this reminder is at {ANYTIME_AT}.")
    if item.tempo is not None:
        lines.append("The coach plays the beat for you.")
    if item.sets > 1:
        lines.append(f"Rest {item.rest_s:g} s between sets.")
    if item.notes:
        lines.append(f"From your physio: {item.notes}")
    if spec is not None:
        lines.append(f"You need: {spec.equipment.rstrip('.')}.")
        lines.extend(f"Safety: {r.rstrip('.')}." for r in spec.setup.reminders)
    lines.append("Stop and rest if you feel pain, dizziness or unusual tiredness.")
    lines.append("Start the coach on your computer to count and record it.")
    return "\n".join(lines)


def _duration(item: ProgrammeExercise) -> timedelta:
    """About how long it takes, rounded up to 5 minutes (the calendar block; at least 5)."""
    per_rep = item.hold_s + 5 if item.is_hold and item.hold_s else (item.tempo.period_s if item.tempo else 4.0)
    seconds = item.sets * item.reps * per_rep + (item.sets - 1) * item.rest_s + 60  # a minute to get ready
    return timedelta(minutes=max(5, -(-seconds // 300) * 5))


def _first_day(start: date, days: tuple[str, ...]) -> date:
    """The first prescribed weekday on or after ``start`` (a recurrence should start on one of its days)."""
    for k in range(7):
        d = start + timedelta(days=k)
        if WEEKDAYS[d.weekday()] in days:
            return d
    return start


def _uid(patient_id: str, exercise: str, at: str | None) -> str:
    """Stable across exports and programme versions; a hash, so the patient's code is not readable in it."""
    digest = hashlib.sha256(f"{patient_id}|{exercise}|{at or 'any'}".encode()).hexdigest()[:32]
    return f"{digest}@rehab-coach"
