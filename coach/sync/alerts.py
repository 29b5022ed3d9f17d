"""What needs the physio's attention, per patient, for the top of the Patients page.

From the record as it stands (nothing is stored but who marked what seen, and when):

- ``fall`` / ``near_fall``: a diary day with falls or near-falls;
- ``balance``: a loss of balance or a possible fall during a session (the live coach's ``fall_like``
  event, or an added ``balance_loss``), with its moment in the session;
- ``pain``: a diary pain score, or a session's "Any pain?" answer, at least ``PAIN_JUMP`` above the
  patient's usual (the median of the ``PAIN_BASELINE`` answers before it);
- ``inactive``: no session for more than N days (``alert_settings``, default ``DEFAULT_INACTIVE_DAYS``,
  set per patient by the physio);
- ``regress``: the programme's rules suggest making an exercise easier (``coach.programme.progression``).

Each alert has a stable key (``fall:2026-12-01``, ``balance:<session uuid>:14.2``, ...) so that
"marked seen by A at 10:42" sticks to it; an ``inactive`` alert's key names the last session's day,
so a new gap after a new session is a new alert. Only the last ``WINDOW_DAYS`` days are looked at.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from statistics import median

from sqlalchemy import select

from coach.store import schema as t
from coach.store import sync_schema as s

WINDOW_DAYS = 28
DEFAULT_INACTIVE_DAYS = 3
PAIN_JUMP = 3  # points on the 0-10 scale above the patient's usual
PAIN_BASELINE = 5
BALANCE_KINDS = {"balance_loss": "Loss of balance", "fall_like": "Possible fall"}
ORDER = {"fall": 0, "balance": 1, "near_fall": 2, "pain": 3, "regress": 4, "inactive": 5}


@dataclass(frozen=True)
class Alert:
    patient_id: str
    key: str
    kind: str  # a key of ORDER
    day: date  # the patient's day it came from
    text: str  # in words, with its day
    where: str  # where to look: "Session review > Diary", "Session review, session 12 at 0:14"
    session_id: int | None = None
    t_s: float | None = None  # the moment in that session
    seen_by: str = ""
    seen_at: datetime | None = None

    @property
    def seen(self) -> bool:
        return self.seen_at is not None


def day_words(d: date) -> str:
    return f"{d:%a} {d.day} {d:%b}"


def _clock(t_s: float) -> str:
    m, sec = divmod(int(round(t_s)), 60)
    return f"{m}:{sec:02d}"


def inactive_days(store, patient_id: str) -> int:
    with store.engine.connect() as conn:
        v = conn.execute(select(s.alert_settings.c.inactive_days)
                         .where(s.alert_settings.c.patient_id == patient_id)).scalar()
    return int(v) if v is not None else DEFAULT_INACTIVE_DAYS


def set_inactive_days(store, patient_id: str, days: int, by: str) -> None:
    if not 1 <= int(days) <= 90:
        raise ValueError("no session for 1 to 90 days")
    now = datetime.now(timezone.utc)
    with store.engine.begin() as conn:
        conn.execute(s.alert_settings.delete().where(s.alert_settings.c.patient_id == patient_id))
        conn.execute(s.alert_settings.insert().values(patient_id=patient_id, inactive_days=int(days), set_by=by,
                                                      set_at=now))


def mark_seen(store, patient_id: str, key: str, by: str, now: datetime | None = None) -> None:
    with store.engine.begin() as conn:
        if conn.execute(select(s.alerts_seen.c.id).where(s.alerts_seen.c.patient_id == patient_id)
                        .where(s.alerts_seen.c.alert_key == key)).first():
            return
        conn.execute(s.alerts_seen.insert().values(patient_id=patient_id, alert_key=key[:200], seen_by=by,
                                                   seen_at=now or datetime.now(timezone.utc)))


def _seen(store, patient_id: str) -> dict[str, tuple[str, datetime]]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(s.alerts_seen).where(s.alerts_seen.c.patient_id == patient_id)).mappings().all()
    return {r["alert_key"]: (r["seen_by"], _utc(r["seen_at"])) for r in rows}


def _utc(v):
    if v is None:
        return None
    return v.replace(tzinfo=timezone.utc) if v.tzinfo is None else v.astimezone(timezone.utc)


def for_patient(store, patient_id: str, today: date | None = None) -> list[Alert]:
    """The patient's alerts, unseen first, then by kind (falls first) and newest day first."""
    from coach.store import diary

    today = today or date.today()
    since = today - timedelta(days=WINDOW_DAYS)
    out: list[Alert] = []
    written = store.diary_entries(patient_id)  # the whole diary: the pain check's baseline reads before the window
    entries = [e for e in diary.plausible(written) if e.day >= since]
    for e in entries:
        note = f': "{e.note}"' if e.note else ""
        if e.falls:
            out.append(Alert(patient_id, f"fall:{e.day.isoformat()}", "fall", e.day,
                             f"{e.falls} fall{'s' if e.falls > 1 else ''} on {day_words(e.day)} (diary){note}",
                             "Session review > Diary"))
        if e.near_falls:
            out.append(Alert(patient_id, f"near_fall:{e.day.isoformat()}", "near_fall", e.day,
                             f"{e.near_falls} near-fall{'s' if e.near_falls > 1 else ''} on {day_words(e.day)} "
                             f"(diary){note}", "Session review > Diary"))
    out += _balance(store, patient_id, since)
    out += _pain(store, patient_id, written, since)
    out += _inactive(store, patient_id, today)
    out += _regress(store, patient_id)
    seen = _seen(store, patient_id)
    out = [Alert(**{**a.__dict__, "seen_by": seen[a.key][0], "seen_at": seen[a.key][1]}) if a.key in seen else a
           for a in out]
    return sorted(out, key=lambda a: (a.seen, ORDER[a.kind], -a.day.toordinal()))


def _session_day(started: datetime) -> date:
    return _utc(started).astimezone().date()


def _balance(store, patient_id: str, since: date) -> list[Alert]:
    start = datetime.combine(since, datetime.min.time()).astimezone(timezone.utc)
    rows = []
    with store.engine.connect() as conn:
        base = (t.sessions.c.patient_id == patient_id) & (t.sessions.c.started_at >= start)
        for table, t_col in ((t.events, t.events.c.time_s), (t.session_events, t.session_events.c.t_s)):
            rows += conn.execute(select(t.sessions.c.id, t.sessions.c.uuid, t.sessions.c.exercise,
                                        t.sessions.c.started_at, table.c.kind, t_col)
                                 .join(t.sessions, t.sessions.c.id == table.c.session_id)
                                 .where(base).where(table.c.kind.in_(list(BALANCE_KINDS)))).all()
    from coach import labels

    out, keys = [], set()
    for sid, uuid, exercise, started, kind, t_s in rows:
        key = f"balance:{uuid}:{float(t_s):.1f}"
        if key in keys:
            continue
        keys.add(key)
        day = _session_day(started)
        out.append(Alert(patient_id, key, "balance", day,
                         f"{BALANCE_KINDS[kind]} during {labels.exercise(exercise)} on {day_words(day)}, "
                         f"{_clock(float(t_s))} into the session", f"Session review, session {sid} at {_clock(float(t_s))}",
                         session_id=sid, t_s=float(t_s)))
    return out


def _pain(store, patient_id: str, written, since: date) -> list[Alert]:
    """``written``: every diary entry of the patient (the baseline reaches back before ``since``)."""
    points: list[tuple[date, int, str, int | None]] = [(e.day, e.pain, "diary", None) for e in written
                                                        if e.pain is not None]
    with store.engine.connect() as conn:
        rows = conn.execute(select(t.sessions.c.id, t.sessions.c.started_at, t.session_events.c.detail)
                            .join(t.sessions, t.sessions.c.id == t.session_events.c.session_id)
                            .where(t.sessions.c.patient_id == patient_id)
                            .where(t.session_events.c.kind == "pain")).all()
    for sid, started, detail in rows:
        try:
            points.append((_session_day(started), int(str(detail).split("/")[0]), "after a session", sid))
        except ValueError:
            continue
    points.sort(key=lambda p: p[0])
    out, flagged = [], set()
    for i, (day, pain, source, sid) in enumerate(points):
        before = [p[1] for p in points[max(0, i - PAIN_BASELINE):i]]  # the last PAIN_BASELINE before it
        if day < since or len(before) < 2 or day in flagged:
            continue
        usual = median(before)
        if pain >= usual + PAIN_JUMP:
            flagged.add(day)
            out.append(Alert(patient_id, f"pain:{day.isoformat()}", "pain", day,
                             f"Pain {pain}/10 on {day_words(day)} ({source}); usually about {usual:g}/10",
                             f"Session review, session {sid}" if sid else "Session review > Diary", session_id=sid))
    return out


def _inactive(store, patient_id: str, today: date) -> list[Alert]:
    n = inactive_days(store, patient_id)
    sessions, newest = store.patient_activity(patient_id).get(patient_id, (0, None))  # counted in the database
    if sessions:
        last = _session_day(newest)
    else:
        last = _utc(store.patient(patient_id).created_at).astimezone().date()
    gap = (today - last).days
    if gap <= n:
        return []
    what = f"last session on {day_words(last)}" if sessions else "no session yet"
    return [Alert(patient_id, f"inactive:{last.isoformat()}", "inactive", today,
                  f"No session for {gap} days ({what}; you asked to hear after {n})", "Patients > Sessions")]


def _regress(store, patient_id: str) -> list[Alert]:
    from coach import labels
    from coach.programme.progression import suggest

    programme = store.programme(patient_id)
    if programme is None:
        return []
    summaries = store.sessions(patient_id, since=programme.created_at, last=30)  # since the programme (None: all)
    if not summaries:
        return []
    records = store.load_sessions(summaries)  # one read per table, not one load_session each
    out = []
    for sug in suggest(programme, records):
        if sug.kind != "regress":
            continue
        last = max(sug.session_ids) if sug.session_ids else 0
        day = next((_session_day(r.summary.started_at) for r in records if r.summary.id == last), date.today())
        out.append(Alert(patient_id, f"regress:{sug.exercise}:{last}", "regress", day,
                         f"Suggested easier: {labels.exercise(sug.exercise)} ({sug.reason})", "Programme",
                         session_id=last or None))
    return out


def needs_attention(store, today: date | None = None) -> list[Alert]:
    """Every patient's unseen alerts, falls first."""
    out = []
    for p in store.patients():
        out += [a for a in for_patient(store, p.id, today) if not a.seen]
    return sorted(out, key=lambda a: (ORDER[a.kind], -a.day.toordinal(), a.patient_id))
