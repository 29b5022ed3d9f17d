"""Read queries that turn rows into the dataclasses of ``coach.store.records``."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone

from sqlalchemy import and_, case, func, select
from sqlalchemy.engine import Connection

from coach.pose.frame import PoseSeries
from coach.store import poses
from coach.store import schema as t
from coach.store.records import SessionRecord, SessionSummary, StoredEvent, StoredSet, StoredTest, TestResult
from coach.store.repcodec import rep_from_row
from exercises.base import Fault, Rep


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything the store writes is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


def session_summaries(conn: Connection, patient_id: str | None = None, since: datetime | None = None,
                      until: datetime | None = None, exercise: str | None = None,
                      session_id: int | None = None, last: int | None = None) -> list[SessionSummary]:
    """The sessions asked for, oldest first, with their counts; ``last``: only the newest so many."""
    s = t.sessions
    conds = []
    if patient_id is not None:
        conds.append(s.c.patient_id == patient_id)
    if since is not None:
        conds.append(s.c.started_at >= since)
    if until is not None:
        conds.append(s.c.started_at < until)
    if exercise is not None:
        conds.append(s.c.exercise == exercise)
    if session_id is not None:
        conds.append(s.c.id == session_id)
    if last is not None:  # the newest ``last`` of them: counted alone, not the whole record then cut
        newest = select(s.c.id).order_by(s.c.started_at.desc(), s.c.id.desc()).limit(last)
        conds = [s.c.id.in_(newest.where(and_(*conds)) if conds else newest)]
    # The counts are taken over the chosen sessions' sets only (not the whole record's reps: a
    # clinic's year holds millions; bench/caseload.py).
    chosen = select(s.c.id).where(and_(*conds)) if conds else None

    def only_chosen(q):
        return q.where(t.sets.c.session_id.in_(chosen)) if chosen is not None else q

    rep_counts = only_chosen(select(t.sets.c.session_id,
                                    func.count(t.reps.c.id).label("n"),
                                    func.sum(case((t.reps.c.counted, 1), else_=0)).label("counted"))
                             .join(t.reps, t.reps.c.set_id == t.sets.c.id)).group_by(t.sets.c.session_id).subquery()
    set_counts = only_chosen(select(t.sets.c.session_id, func.count(t.sets.c.id).label("n"))
                             ).group_by(t.sets.c.session_id).subquery()
    fault_counts = only_chosen(select(t.sets.c.session_id, func.count(t.faults.c.id).label("n"))
                               .join(t.reps, t.reps.c.set_id == t.sets.c.id)
                               .join(t.faults, t.faults.c.rep_id == t.reps.c.id)).group_by(t.sets.c.session_id).subquery()
    q = (select(s.c.id, s.c.uuid, s.c.patient_id, s.c.exercise, s.c.source, s.c.status, s.c.started_at,
                s.c.ended_at, func.coalesce(set_counts.c.n, 0), func.coalesce(rep_counts.c.n, 0),
                func.coalesce(rep_counts.c.counted, 0), func.coalesce(fault_counts.c.n, 0),
                s.c.excluded, s.c.excluded_by, s.c.excluded_reason)
         .outerjoin(set_counts, set_counts.c.session_id == s.c.id)
         .outerjoin(rep_counts, rep_counts.c.session_id == s.c.id)
         .outerjoin(fault_counts, fault_counts.c.session_id == s.c.id)
         .order_by(s.c.started_at, s.c.id))
    if conds:
        q = q.where(and_(*conds))
    out = []
    for (sid, uuid, pid, ex, src, status, started, ended, n_sets, n_reps, counted, n_faults,
         excluded, excluded_by, excluded_reason) in conn.execute(q):
        out.append(SessionSummary(sid, uuid, pid, ex, src, status, as_utc(started), as_utc(ended), int(n_sets),
                                  int(counted), int(n_reps) - int(counted), int(n_faults), bool(excluded),
                                  excluded_by or "", excluded_reason or ""))
    return out


def patient_activity(conn: Connection, patient_id: str | None = None) -> dict[str, tuple[int, datetime | None]]:
    """patient id -> (number of sessions, when the last one started): the patient list's columns,
    counted in the database (an index-only scan of ix_sessions_patient_started); one patient's only
    when ``patient_id`` is given."""
    q = select(t.sessions.c.patient_id, func.count(), func.max(t.sessions.c.started_at)).group_by(
        t.sessions.c.patient_id)
    if patient_id is not None:
        q = q.where(t.sessions.c.patient_id == patient_id)
    return {pid: (int(n), as_utc(last)) for pid, n, last in conn.execute(q)}


def load_session(conn: Connection, session_id: int) -> SessionRecord | None:
    found = session_summaries(conn, session_id=session_id)
    return load_sessions(conn, found)[0] if found else None


def load_sessions(conn: Connection, summaries: list[SessionSummary]) -> list[SessionRecord]:
    """The whole records of the sessions ``summaries`` name, in their order, with one query per table
    (a year's report reads ~300 sessions: one by one that was ~2,000 queries)."""
    ids = [sm.id for sm in summaries]
    if not ids:
        return []
    chosen = t.sessions.c.id.in_(ids)
    rows = {r["id"]: r for r in conn.execute(select(t.sessions).where(chosen)).mappings()}
    # Each child table is reached through the sessions' primary key (``of_chosen``): with the ids
    # tested on the child's own session_id, PostgreSQL scanned the whole sets table (a parallel
    # sequential scan of 244,000 sets for a year of 300 sessions, bench/caseload.py: 120-190 ms a
    # query); through sessions it probes the indexes (~10 ms).
    set_rows = conn.execute(of_chosen(select(t.sets), t.sets.c.session_id, chosen)
                            .order_by(t.sets.c.session_id, t.sets.c.set_no)).mappings().all()
    rep_rows = conn.execute(of_chosen(select(t.reps).join(t.sets, t.sets.c.id == t.reps.c.set_id),
                                      t.sets.c.session_id, chosen)
                            .order_by(t.reps.c.set_id, t.reps.c.seq)).mappings().all()
    fault_rows = conn.execute(of_chosen(select(t.faults).join(t.reps, t.reps.c.id == t.faults.c.rep_id)
                                        .join(t.sets, t.sets.c.id == t.reps.c.set_id), t.sets.c.session_id, chosen)
                              .order_by(t.faults.c.time_s, t.faults.c.id)).mappings().all()
    faults_by_rep: dict[int, list[Fault]] = defaultdict(list)
    for f in fault_rows:
        faults_by_rep[f["rep_id"]].append(Fault(f["code"], f["time_s"], f["detail"]))
    reps_by_set: dict[int, list[Rep]] = defaultdict(list)
    for r in rep_rows:
        reps_by_set[r["set_id"]].append(rep_from_row(r, faults_by_rep[r["id"]]))
    sets_by_session: dict[int, list[StoredSet]] = defaultdict(list)
    for st in set_rows:
        sets_by_session[st["session_id"]].append(StoredSet(st["set_no"], st["target_reps"], st["side"],
                                                           as_utc(st["started_at"]), as_utc(st["ended_at"]),
                                                           tuple(reps_by_set[st["id"]])))
    events: dict[int, list[StoredEvent]] = defaultdict(list)
    for e in conn.execute(of_chosen(select(t.events), t.events.c.session_id, chosen)
                          .order_by(t.events.c.session_id, t.events.c.seq)):
        events[e.session_id].append(StoredEvent(e.kind, e.time_s, e.detail))
    tests: dict[int, list[TestResult]] = defaultdict(list)
    for r in conn.execute(of_chosen(select(t.test_results), t.test_results.c.session_id, chosen)
                          .order_by(t.test_results.c.session_id, t.test_results.c.seq)):
        tests[r.session_id].append(test_from_row(r))
    out = []
    for sm in summaries:
        row = rows[sm.id]
        out.append(SessionRecord(sm, row["schema_version"], row["app_version"], row["algorithm_version"],
                                 dict(row["settings"]), row["programme_version"], row["video_path"], row["notes"],
                                 tuple(sets_by_session[sm.id]), tuple(events[sm.id]), tuple(tests[sm.id])))
    return out


def of_chosen(q, session_id_column, chosen):
    """``q`` limited to the sessions ``chosen`` (a condition on ``sessions.id``) by joining the sessions
    table on ``session_id_column``: the planner then reads the chosen sessions by primary key and the
    child rows by index, where ``session_id IN (...)`` on the child table alone led it to scan the table."""
    return q.join(t.sessions, t.sessions.c.id == session_id_column).where(chosen)


def load_poses(conn: Connection, session_id: int, set_no: int | None = None) -> PoseSeries:
    q = (select(t.pose_chunks.c.data).join(t.sets, t.sets.c.id == t.pose_chunks.c.set_id)
         .where(t.sets.c.session_id == session_id)
         .order_by(t.sets.c.set_no, t.pose_chunks.c.seq))
    if set_no is not None:
        q = q.where(t.sets.c.set_no == set_no)
    return poses.concat([poses.decode_chunk(bytes(d)) for (d,) in conn.execute(q)])


def track_start(conn: Connection, session_id: int) -> float | None:
    """The first timestamp of the session's landmark track (``load_poses(...).timestamps_s[0]``: its
    first set's first chunk with frames), None when it has none. Read from the chunk's row, so a page
    that only needs where the track starts decodes nothing."""
    q = (select(t.pose_chunks.c.t_start_s).join(t.sets, t.sets.c.id == t.pose_chunks.c.set_id)
         .where(t.sets.c.session_id == session_id, t.pose_chunks.c.n_frames > 0)
         .order_by(t.sets.c.set_no, t.pose_chunks.c.seq).limit(1))
    first = conn.execute(q).scalar()
    return None if first is None else float(first)


def session_settings(conn: Connection, session_ids: list[int]) -> dict[int, dict]:
    """session id -> its settings (mode, test, side...), without its reps."""
    if not session_ids:
        return {}
    q = select(t.sessions.c.id, t.sessions.c.settings).where(t.sessions.c.id.in_(session_ids))
    return {sid: dict(settings or {}) for sid, settings in conn.execute(q)}


def test_from_row(r) -> TestResult:
    return TestResult(r.test, r.value, r.unit, r.norm_low, r.norm_high, r.norm_source, r.interpretation,
                      r.norm or "", r.trust or "ok", tuple(r.flags or ()), dict(r.details or {}),
                      r.timing_uncertainty_s, r.cannot_score or "")


def test_results(conn: Connection, patient_id: str) -> list[StoredTest]:
    q = (select(t.test_results, t.sessions.c.patient_id, t.sessions.c.started_at)
         .join(t.sessions, t.sessions.c.id == t.test_results.c.session_id)
         .where(t.sessions.c.patient_id == patient_id)
         .order_by(t.sessions.c.started_at, t.test_results.c.session_id, t.test_results.c.seq))
    return [StoredTest(r.id, r.session_id, r.patient_id, as_utc(r.started_at), test_from_row(r))
            for r in conn.execute(q)]
