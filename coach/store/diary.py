"""The patient's diary: a few numbers a day (fatigue, pain, falls, near-falls, freezing) and a note.

One entry per patient and calendar day; saving the day again replaces it. ``weekly_counts`` is the
pure summary the physio's review and the report show: per Monday-to-Sunday week, the days with an
entry, mean fatigue and pain, and the falls, near-falls and freezing episodes added up.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from statistics import fmean

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from coach.store import schema as t

SCALE_MAX = 10  # fatigue and pain: 0 (none) to 10 (the worst imaginable), a numeric rating scale
COUNT_MAX = 99  # falls, near-falls, freezing episodes in one day: more is a typing slip
NOTE_MAX = 2000
EARLIEST_DAY = date(2000, 1, 1)  # a diary day before this is a typing slip or a forgery
AHEAD_DAYS = 7  # ... and so is one more than a week ahead of this computer's date (a week: a wrong clock)


def check_day(day: date) -> date:
    """``day`` if it lies between ``EARLIEST_DAY`` and ``AHEAD_DAYS`` from today, else ValueError."""
    if not EARLIEST_DAY <= day <= date.today() + timedelta(days=AHEAD_DAYS):
        raise ValueError(f"a diary day lies between {EARLIEST_DAY.isoformat()} and a week from today, "
                         f"not {day.isoformat()}")
    return day


def plausible(entries: Iterable["DiaryEntry"]) -> list["DiaryEntry"]:
    """The entries whose day ``check_day`` accepts (older records may hold others)."""
    last = date.today() + timedelta(days=AHEAD_DAYS)
    return [e for e in entries if EARLIEST_DAY <= e.day <= last]


@dataclass(frozen=True)
class DiaryEntry:
    patient_id: str
    day: date
    fatigue: int | None = None  # 0-10; None: not answered
    pain: int | None = None  # 0-10; None: not answered
    falls: int = 0
    near_falls: int = 0
    freezing: int = 0  # freezing-of-gait episodes
    note: str = ""
    updated_at: datetime | None = None  # when it was last saved (UTC)

    def __post_init__(self) -> None:
        if not isinstance(self.day, date) or isinstance(self.day, datetime):
            raise ValueError(f"a diary day is a calendar date, got {self.day!r}")
        for name in ("fatigue", "pain"):
            v = getattr(self, name)
            if v is not None and (not _is_int(v) or not 0 <= v <= SCALE_MAX):
                raise ValueError(f"{name.replace('_', ' ')} is a whole number from 0 to {SCALE_MAX}, got {v!r}")
        for name in ("falls", "near_falls", "freezing"):
            v = getattr(self, name)
            if not _is_int(v) or not 0 <= v <= COUNT_MAX:
                raise ValueError(f"{name.replace('_', ' ')} is a count from 0 to {COUNT_MAX}, got {v!r}")
        if len(self.note or "") > NOTE_MAX:
            raise ValueError(f"the note is {len(self.note)} characters long; at most {NOTE_MAX} are kept")

    def to_dict(self) -> dict:
        return {"patient": self.patient_id, "day": self.day.isoformat(), "fatigue": self.fatigue, "pain": self.pain,
                "falls": self.falls, "near_falls": self.near_falls, "freezing": self.freezing, "note": self.note,
                "updated_at": self.updated_at.isoformat() if self.updated_at else None}

    @classmethod
    def from_dict(cls, d: dict) -> "DiaryEntry":
        updated = d.get("updated_at")
        return cls(d.get("patient") or d["patient_id"], date.fromisoformat(d["day"]), d.get("fatigue"), d.get("pain"),
                   int(d.get("falls") or 0), int(d.get("near_falls") or 0), int(d.get("freezing") or 0),
                   d.get("note") or "", datetime.fromisoformat(updated) if updated else None)


@dataclass(frozen=True)
class WeekCounts:
    """One week of the diary (Monday to Sunday)."""

    week_start: date  # the Monday
    days_with_entries: int  # 0-7
    mean_fatigue: float | None  # over the days that answered; None when none did
    mean_pain: float | None
    falls: int
    near_falls: int
    freezing: int

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)

    def to_dict(self) -> dict:
        return {"week_start": self.week_start.isoformat(), "days_with_entries": self.days_with_entries,
                "mean_fatigue": self.mean_fatigue, "mean_pain": self.mean_pain, "falls": self.falls,
                "near_falls": self.near_falls, "freezing": self.freezing}


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_counts(entries: Iterable[DiaryEntry], start: date | None = None, end: date | None = None) -> list[WeekCounts]:
    """Weekly diary counts, oldest week first. Every week from ``start`` (default: the first entry)
    to ``end`` (default: the last entry) is listed, a week without entries too (days_with_entries 0):
    a silent week is worth seeing. Entries outside [start, end] are left out."""
    entries = [e for e in entries if (start is None or e.day >= start) and (end is None or e.day <= end)]
    if not entries and (start is None or end is None):
        return []
    first = week_start(start if start is not None else min(e.day for e in entries))
    last = week_start(end if end is not None else max(e.day for e in entries))
    by_week: dict[date, list[DiaryEntry]] = {}
    for e in entries:
        by_week.setdefault(week_start(e.day), []).append(e)
    out = []
    monday = first
    while monday <= last:
        week = by_week.get(monday, [])
        fatigue = [e.fatigue for e in week if e.fatigue is not None]
        pain = [e.pain for e in week if e.pain is not None]
        out.append(WeekCounts(monday, len({e.day for e in week}),
                              round(fmean(fatigue), 1) if fatigue else None, round(fmean(pain), 1) if pain else None,
                              sum(e.falls for e in week), sum(e.near_falls for e in week),
                              sum(e.freezing for e in week)))
        monday += timedelta(days=7)
    return out


# --- database -------------------------------------------------------------------------------

def save(conn: Connection, entry: DiaryEntry, now: datetime | None = None) -> DiaryEntry:
    """Store the day's entry, replacing an earlier one for the same patient and day (kept in the day's
    ``history``); a day outside
    ``check_day``'s range is refused, the note loses control characters and escape codes."""
    from dataclasses import replace

    from coach.store.text import clean

    check_day(entry.day)
    entry = replace(entry, note=clean(entry.note).strip(), updated_at=now or datetime.now(timezone.utc))
    d = t.diary_entries
    before = conn.execute(select(d).where(d.c.patient_id == entry.patient_id, d.c.day == entry.day)).mappings().first()
    if before is not None:  # the day keeps its history: the version it replaces is kept
        _keep(conn, before, entry.updated_at)
    conn.execute(delete(d).where(d.c.patient_id == entry.patient_id, d.c.day == entry.day))
    conn.execute(d.insert().values(**vars(entry)))
    return entry


def history(conn: Connection, patient_id: str, day: date | None = None) -> list[DiaryEntry]:
    """Earlier versions of the day (of every day when ``day`` is None), by day, oldest first: what it
    said before each save that replaced it."""
    from coach.store.queries import as_utc

    h = t.diary_history
    q = select(h).where(h.c.patient_id == patient_id).order_by(h.c.day, h.c.updated_at, h.c.id)
    if day is not None:
        q = q.where(h.c.day == day)
    return [DiaryEntry(r["patient_id"], _as_date(r["day"]), r["fatigue"], r["pain"], r["falls"], r["near_falls"],
                       r["freezing"], r["note"], as_utc(r["updated_at"])) for r in conn.execute(q).mappings()]


def remove(conn: Connection, patient_id: str, day: date, now: datetime | None = None) -> bool:
    """Remove the day's entry; what it said is kept in the day's ``history``."""
    d = t.diary_entries
    before = conn.execute(select(d).where(d.c.patient_id == patient_id, d.c.day == day)).mappings().first()
    if before is None:
        return False
    _keep(conn, before, now or datetime.now(timezone.utc))
    return conn.execute(delete(d).where(d.c.patient_id == patient_id, d.c.day == day)).rowcount > 0


def _keep(conn: Connection, row, replaced_at: datetime) -> None:
    conn.execute(t.diary_history.insert().values(**{k: v for k, v in row.items() if k != "id"}, replaced_at=replaced_at))


def load(conn: Connection, patient_id: str, since: date | None = None, until: date | None = None) -> list[DiaryEntry]:
    """The patient's entries, oldest day first, ``since`` and ``until`` included."""
    from coach.store.queries import as_utc

    d = t.diary_entries
    q = select(d).where(d.c.patient_id == patient_id).order_by(d.c.day)
    if since is not None:
        q = q.where(d.c.day >= since)
    if until is not None:
        q = q.where(d.c.day <= until)
    return [DiaryEntry(r["patient_id"], _as_date(r["day"]), r["fatigue"], r["pain"], r["falls"], r["near_falls"],
                       r["freezing"], r["note"], as_utc(r["updated_at"])) for r in conn.execute(q).mappings()]


def _as_date(v) -> date:
    return v.date() if isinstance(v, datetime) else v


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)
