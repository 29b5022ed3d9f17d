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

Kept up to date, not recomputed on every view (issue 20 item 3: 500 patients took 34 s): ``refresh``
stores one patient's falls, near-falls, balance losses, pain jumps and 'suggested easier' alerts
(``patient_alerts``, over the whole record, so any later day's window is a filter) in the transaction
that changed their data: a session started or finished, a balance event or a pain answer, a diary day
saved or removed, a programme saved, a session left out, counted again or discarded, a share file or
sync payload imported (``coach.store``'s write paths call it). ``needs_attention`` then reads them in one
query, filtered to the window and to what nobody marked seen; the time-based ``inactive`` alert is
worked out when read from each patient's newest session (an index lookup), and a patient whose stored
alerts are missing or from an older ``LOGIC`` (a database filled by COPY, a failed refresh) is refreshed
first. ``for_patient`` still computes one patient's alerts from the record (their page; the tests' truth).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from statistics import median

import logging

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from coach.store import schema as t
from coach.store import sync_schema as s

log = logging.getLogger(__name__)

WINDOW_DAYS = 28
DEFAULT_INACTIVE_DAYS = 3
PAIN_JUMP = 3  # points on the 0-10 scale above the patient's usual
PAIN_BASELINE = 5
BALANCE_KINDS = {"balance_loss": "Loss of balance", "fall_like": "Possible fall"}
ORDER = {"fall": 0, "balance": 1, "near_fall": 2, "pain": 3, "regress": 4, "inactive": 5}
LOGIC = 1  # the stored alerts' logic: raise it when what an alert says or when one is raised changes


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
    """The patient's alerts computed from the record, unseen first, then by kind (falls first) and newest
    day first."""
    today = today or date.today()
    with store.engine.connect() as conn:
        out = _recorded(conn, patient_id, today - timedelta(days=WINDOW_DAYS))
        regress = [a for a in out if a.kind == "regress"]
        out = [a for a in out if a.kind != "regress"] + _inactive(conn, patient_id, today) + regress
    seen = _seen(store, patient_id)
    out = [Alert(**{**a.__dict__, "seen_by": seen[a.key][0], "seen_at": seen[a.key][1]}) if a.key in seen else a
           for a in out]
    return sorted(out, key=lambda a: (a.seen, ORDER[a.kind], -a.day.toordinal()))


def _recorded(conn, patient_id: str, since: date | None) -> list[Alert]:
    """Every alert but ``inactive``, in the order made: the diary's, balance, pain, regress. ``since``:
    the window's first day; None: the whole record (what ``refresh`` stores: a fall's day is then checked
    against ``diary.plausible``'s last day when read)."""
    from coach.store import diary

    out: list[Alert] = []
    written = diary.load(conn, patient_id)  # the whole diary: the pain check's baseline reads before the window
    if since is None:
        entries = [e for e in written if e.day >= diary.EARLIEST_DAY]
    else:
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
    out += _balance(conn, patient_id, since)
    out += _pain(conn, patient_id, written, since)
    out += _regress(conn, patient_id)
    return out


def _session_day(started: datetime) -> date:
    return _utc(started).astimezone().date()


def _balance(conn, patient_id: str, since: date | None) -> list[Alert]:
    rows = []
    base = t.sessions.c.patient_id == patient_id
    if since is not None:
        base = base & (t.sessions.c.started_at >= datetime.combine(since, datetime.min.time()).astimezone(timezone.utc))
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


def _pain(conn, patient_id: str, written, since: date | None) -> list[Alert]:
    """``written``: every diary entry of the patient (the baseline reaches back before ``since``)."""
    points: list[tuple[date, int, str, int | None]] = [(e.day, e.pain, "diary", None) for e in written
                                                        if e.pain is not None]
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
        if (since is not None and day < since) or len(before) < 2 or day in flagged:
            continue
        usual = median(before)
        if pain >= usual + PAIN_JUMP:
            flagged.add(day)
            out.append(Alert(patient_id, f"pain:{day.isoformat()}", "pain", day,
                             f"Pain {pain}/10 on {day_words(day)} ({source}); usually about {usual:g}/10",
                             f"Session review, session {sid}" if sid else "Session review > Diary", session_id=sid))
    return out


def _inactive(conn, patient_id: str, today: date) -> list[Alert]:
    from coach.store import queries

    v = conn.execute(select(s.alert_settings.c.inactive_days)
                     .where(s.alert_settings.c.patient_id == patient_id)).scalar()
    n = int(v) if v is not None else DEFAULT_INACTIVE_DAYS
    sessions, newest = queries.patient_activity(conn, patient_id).get(patient_id, (0, None))  # counted in the database
    created = conn.execute(select(t.patients.c.created_at).where(t.patients.c.id == patient_id)).scalar()
    found = _inactive_alert(patient_id, n, newest if sessions else None, created, today)
    return [found] if found else []


def _inactive_alert(patient_id: str, n: int, newest: datetime | None, created: datetime, today: date) -> Alert | None:
    """``newest``: when the patient's last session started, None without one (then: since ``created``)."""
    last = _session_day(newest) if newest is not None else _utc(created).astimezone().date()
    gap = (today - last).days
    if gap <= n:
        return None
    what = f"last session on {day_words(last)}" if newest is not None else "no session yet"
    return Alert(patient_id, f"inactive:{last.isoformat()}", "inactive", today,
                 f"No session for {gap} days ({what}; you asked to hear after {n})", "Patients > Sessions")


def _regress(conn, patient_id: str) -> list[Alert]:
    from coach import labels
    from coach.programme.progression import suggest
    from coach.store import programmes, queries

    programme = programmes.load(conn, patient_id)
    if programme is None:
        return []
    # since the programme (None: all), the newest 30 counted in the database without the rest
    summaries = queries.session_summaries(conn, patient_id, since=programme.created_at, last=30)
    if not summaries:
        return []
    records = queries.load_sessions(conn, summaries)  # one read per table, not one load_session each
    out = []
    for sug in suggest(programme, records):
        if sug.kind != "regress":
            continue
        last = max(sug.session_ids) if sug.session_ids else 0
        day = next((_session_day(r.summary.started_at) for r in records if r.summary.id == last), None)
        out.append(Alert(patient_id, f"regress:{sug.exercise}:{last}", "regress", day or date.today(),
                         f"Suggested easier: {labels.exercise(sug.exercise)} ({sug.reason})", "Programme",
                         session_id=last or None))
    return out


# --- kept up to date: stored as data arrives, read for every patient in one query -------------------

def refresh(conn, patient_id: str) -> None:
    """Store the patient's alerts (all but ``inactive``) as their record stands, in the caller's
    transaction (the one that changed the record). On PostgreSQL the patient's row is locked first
    (FOR NO KEY UPDATE: the foreign keys' KEY SHARE locks do not wait for it), so two transactions
    refreshing one patient take turns and the later one reads what the earlier one wrote. A failure of
    the alerts' own logic does not undo the caller's write: the patient's stored alerts are marked
    stale and the next read works them out again."""
    conn.execute(select(t.patients.c.id).where(t.patients.c.id == patient_id).with_for_update(key_share=True))
    try:
        found = _recorded(conn, patient_id, None)
    except SQLAlchemyError:
        raise
    except Exception:  # noqa: BLE001 - a bug in a rule must not lose the patient's session or diary day
        log.exception("alerts of patient %s not refreshed; worked out again when next read", patient_id)
        conn.execute(delete(t.alert_state).where(t.alert_state.c.patient_id == patient_id))
        return
    regress_today = {id(a) for a in found if a.kind == "regress" and a.session_id is None}
    conn.execute(delete(t.patient_alerts).where(t.patient_alerts.c.patient_id == patient_id))
    if found:
        conn.execute(t.patient_alerts.insert(), [
            {"patient_id": patient_id, "alert_key": a.key, "seq": i, "kind": a.kind,
             "day": None if id(a) in regress_today else a.day, "text": a.text, "look_at": a.where,
             "session_id": a.session_id, "t_s": a.t_s} for i, a in enumerate(found)])
    conn.execute(delete(t.alert_state).where(t.alert_state.c.patient_id == patient_id))
    conn.execute(t.alert_state.insert().values(patient_id=patient_id, logic=LOGIC,
                                               refreshed_at=datetime.now(timezone.utc)))


def refresh_session_patient(conn, session_id: int) -> None:
    """``refresh`` for the patient whose session this is (nothing when there is no such session)."""
    pid = conn.execute(select(t.sessions.c.patient_id).where(t.sessions.c.id == session_id)).scalar()
    if pid is not None:
        refresh(conn, pid)


def needs_attention(store, today: date | None = None) -> list[Alert]:
    """Every patient's unseen alerts, falls first: the stored alerts in the window, read in one query,
    and each patient's ``inactive`` worked out from their newest session. Patients whose stored alerts
    are missing or stale are refreshed first (each in its own transaction; read-only: computed)."""
    from coach.store import diary

    today = today or date.today()
    since = today - timedelta(days=WINDOW_DAYS)
    last_fall_day = date.today() + timedelta(days=diary.AHEAD_DAYS)  # diary.plausible's last day
    newest = (select(func.max(t.sessions.c.started_at)).where(t.sessions.c.patient_id == t.patients.c.id)
              .scalar_subquery())  # an index lookup per patient (ix_sessions_patient_started)
    seen = s.alerts_seen
    pa = t.patient_alerts
    with store.engine.connect() as conn:
        patients = conn.execute(select(t.patients.c.id, t.patients.c.created_at, s.alert_settings.c.inactive_days,
                                       newest, t.alert_state.c.logic)
                                .outerjoin(s.alert_settings, s.alert_settings.c.patient_id == t.patients.c.id)
                                .outerjoin(t.alert_state, t.alert_state.c.patient_id == t.patients.c.id)).all()
    computed: list[Alert] = []
    for pid, _created, _n, _newest, logic in patients:
        if logic != LOGIC:
            computed += _refresh_or_compute(store, pid, today)
    with store.engine.connect() as conn:
        rows = conn.execute(
            select(pa.c.patient_id, pa.c.alert_key, pa.c.kind, pa.c.day, pa.c.text, pa.c.look_at, pa.c.session_id,
                   pa.c.t_s, pa.c.seq)
            .outerjoin(seen, and_(seen.c.patient_id == pa.c.patient_id, seen.c.alert_key == pa.c.alert_key))
            .where(seen.c.id.is_(None))
            .where(or_(pa.c.kind == "regress", pa.c.day >= since))
            .where(or_(pa.c.kind.notin_(["fall", "near_fall"]), pa.c.day <= last_fall_day))).all()
        seen_inactive = set(conn.execute(select(seen.c.patient_id, seen.c.alert_key)
                                         .where(seen.c.alert_key.like("inactive:%"))).all())
    done = {a.patient_id for a in computed}
    found = [(Alert(pid, key, kind, day if day is not None else date.today(), text, where, session_id,
                    float(t_s) if t_s is not None else None), seq)
             for pid, key, kind, day, text, where, session_id, t_s, seq in rows if pid not in done]
    found += [(a, i) for i, a in enumerate(computed)]
    inactive_seq = len(found) + 1  # (any number: a patient has one inactive alert)
    for pid, created, n, last, _logic in patients:
        a = _inactive_alert(pid, int(n) if n is not None else DEFAULT_INACTIVE_DAYS, _utc(last), created, today)
        if a is not None and (pid, a.key) not in seen_inactive and pid not in done:
            found.append((a, inactive_seq))
    found.sort(key=lambda f: (ORDER[f[0].kind], -f[0].day.toordinal(), f[0].patient_id, f[1]))
    return [a for a, _ in found]


def _refresh_or_compute(store, patient_id: str, today: date) -> list[Alert]:
    """Refresh a patient's stale stored alerts; [] then (the stored ones are read next). Where that
    cannot be done (a read-only store, a failing rule), their unseen alerts computed from the record."""
    try:
        with store.engine.begin() as conn:
            refresh(conn, patient_id)
            ok = conn.execute(select(t.alert_state.c.logic)
                              .where(t.alert_state.c.patient_id == patient_id)).scalar() == LOGIC
        if ok:
            return []
    except SQLAlchemyError as e:
        log.warning("alerts of patient %s not stored (%s); computed for this view", patient_id, e)
    return [a for a in for_patient(store, patient_id, today) if not a.seen]


def needs_attention_computed(store, today: date | None = None) -> list[Alert]:
    """``needs_attention`` computed patient by patient from the record, nothing stored read (the truth
    the stored alerts are tested against; ~10 queries and 30 sessions' records a patient)."""
    out = []
    for p in store.patients():
        out += [a for a in for_patient(store, p.id, today) if not a.seen]
    return sorted(out, key=lambda a: (ORDER[a.kind], -a.day.toordinal(), a.patient_id))
