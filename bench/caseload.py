"""The record at clinic scale (issue 20 item 3): fill PostgreSQL with a synthetic caseload, then time
the physio's pages and exports with the functions the pages call.

    eval "$(scripts/start_test_postgres.sh)"
    nice python bench/caseload.py fill --patients 500      # ~150,000 sessions, ~3 million reps
    python bench/caseload.py time --patients 500           # p50/p95 of each page, the year's PDF, an import

Each patient does a year of their programme: a session on ~82% of days (one to two sets, ~20 reps
and attempts, ~10% of reps with a fault, "how hard / any pain" answers), a 30-second chair stand
test every two weeks, a diary entry every third day. Rep metrics and faults come from the coach's
own exercises run on the synthetic generator's true poses (sit-to-stand, squat, heel raise, arm
raise), scaled over the year so trends move. Rows go in with COPY.

Landmark tracks, scaled: a whole-length track for every session would be ~270 GB at 500 patients
(~75 chunks of 30 frames a session, ~24 KB a chunk of jittered landmarks). A session in each
patient's last ``--full-track-days`` (default 3) has its whole-length track (its reps' duration at
30 fps, generator poses with MediaPipe-like jitter, 30-frame chunks as the recorder writes them);
older sessions have none. The review opens the newest session, so it reads a real-sized track;
the progress page and the reports never read tracks.

Each patient's programme begins at the start of that year (``programmes_began``), so the weeks'
adherence and the alerts' 'suggested easier' check have a programme to read.

``time`` prints, per page, the wall time p50/p95/max in ms and this process's CPU time p50 (the
database server's work is not in it; on the shared machine the wall time follows the load average,
printed too): the patient list; a patient's review (every read the page makes; the skeleton replay
already drawn) and, apart, the first drawing of a replay (the track decoded and encoded); the
progress charts; a year's PDF; the Patients page ('Needs attention', every patient's stored alerts, and
the list), and 'Needs attention' alone; one patient's alerts refreshed (what each write adds); the
alerts computed patient by patient as before schema v7 (``--alerts-repeat`` times) and whether the
stored ones are the same; the import of a month's share file. A database from before v7 is upgraded
when first opened (every patient's alerts stored: ``schema_upgrade``).

The database is ``coach_caseload_<patients>`` on the server of ``COACH_TEST_POSTGRES_URL`` unless
``--db`` names one; ``fill`` empties it first.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import pickle
import random
import statistics
import sys
import tempfile
import time
import uuid as uuidlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

EXERCISES = (("sit-to-stand", "side"), ("squat", "side"), ("heel-raise", "front"), ("arm-raise", "front"))
FPS = 30.0
CHUNK = 30  # frames per stored chunk, as coach.store.from_analysis / the live recorder
NOW = datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)
CONDITIONS = ("stroke", "parkinsons", "ms", "brain injury")


def default_url(patients: int) -> str:
    from sqlalchemy.engine import make_url

    base = os.environ.get("COACH_TEST_POSTGRES_URL")
    if not base:
        sys.exit("set COACH_TEST_POSTGRES_URL (eval \"$(scripts/start_test_postgres.sh)\") or pass --db")
    return make_url(base).set(database=f"coach_caseload_{patients}").render_as_string(hide_password=False)


def fresh_database(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    u = make_url(url)
    admin = create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{u.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{u.database}"'))
    admin.dispose()


# --- templates: real reps and tracks from the generator and the coach's exercises ------------------

@dataclass
class Template:
    exercise: str
    reps: list  # exercises.base.Rep, counted and not
    poses: list  # PoseFrame, the generator's true poses
    chunks: list[bytes]  # a few jittered whole-clip tracks, encoded per CHUNK frames, cycled
    rows: list = None  # per template rep: (length_s, confidence, side, view, extra JSON, metrics JSON by month)

    def __post_init__(self) -> None:
        """The JSON of each rep, made once: the metrics scaled for each month of the year (range and
        speed improve) in three jittered variants. Building it per rep was most of the fill's time."""
        from coach.store.repcodec import rep_columns

        rng = random.Random(self.exercise)
        self.rows = []
        for rep in self.reps:
            col = rep_columns(rep)
            by_month = [[json.dumps({k: round(v * (0.85 + 0.15 * m / 12) * rng.uniform(0.95, 1.05), 3)
                                     for k, v in col["metrics"].items()}) for _ in range(3)] for m in range(13)]
            self.rows.append((rep.end_s - rep.start_s, col["confidence"], col["side"], col["view"],
                              json.dumps(col["extra"]), by_month))


def templates(seed: int = 3) -> dict[str, Template]:
    """Made once (minutes on a busy machine) and kept in the temporary folder for the next run."""
    cache = Path(tempfile.gettempdir()) / f"coach-caseload-templates-{seed}.pickle"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    made = _make_templates(seed)
    cache.write_bytes(pickle.dumps(made))
    return made


def _make_templates(seed: int) -> dict[str, Template]:
    from coach.pose.frame import PoseFrame
    from coach.smoothing import PoseSmoother
    from coach.store.poses import encode_chunk
    from coach.synth import ClipSpec, generate
    from exercises.registry import create_exercise

    rng = np.random.default_rng(seed)
    out = {}
    for name, view in EXERCISES:
        clip = generate(ClipSpec(exercise=name, view=view, reps=5, fps=FPS, seed=seed))
        smoother = PoseSmoother()
        poses = [smoother.apply(f) for f in clip.poses]
        ex = create_exercise(name, side="auto")
        for p in poses:
            ex.update(p)
        ex.finish(poses[-1].timestamp_s)
        reps = list(ex.second_pass(poses).reps)
        chunks = []
        for _ in range(3):  # MediaPipe-like jitter: ~0.2% of the picture, ~5 mm in the world
            noisy = [PoseFrame(f.timestamp_s, f.image + np.c_[rng.normal(0, 0.002, (33, 3)), np.zeros(33)]
                               if f.image is not None else None,
                               f.world + rng.normal(0, 0.005, (33, 3)) if f.world is not None else None, f.size)
                     for f in clip.poses]
            chunks += [encode_chunk(noisy[i:i + CHUNK]) for i in range(0, len(noisy) - CHUNK + 1, CHUNK)]
        out[name] = Template(name, reps, clip.poses, chunks)
    return out


# --- rows ---------------------------------------------------------------------------------------

class Ids:
    def __init__(self):
        self.n: dict[str, int] = {}

    def next(self, table: str) -> int:
        self.n[table] = self.n.get(table, 0) + 1
        return self.n[table]


def copy_rows(cur, table: str, columns: tuple[str, ...], rows) -> int:
    n = 0
    with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            n += 1
    return n


SESSION_COLS = ("id", "uuid", "patient_id", "exercise", "source", "status", "started_at", "ended_at", "last_write_at",
                "host", "pid", "schema_version", "app_version", "algorithm_version", "settings", "programme_version",
                "notes", "excluded", "excluded_by", "excluded_reason")
SET_COLS = ("id", "session_id", "set_no", "target_reps", "side", "started_at", "ended_at")
REP_COLS = ("id", "set_id", "seq", "rep_index", "start_s", "end_s", "counted", "confidence", "side", "view", "metrics",
            "extra")
FAULT_COLS = ("id", "rep_id", "code", "time_s", "detail")
CHUNK_COLS = ("id", "set_id", "seq", "t_start_s", "t_end_s", "n_frames", "data")
TEST_COLS = ("id", "session_id", "seq", "test", "value", "unit", "norm_low", "norm_high", "norm_source",
             "interpretation", "norm", "trust", "flags", "details", "timing_uncertainty_s", "cannot_score")
EVENT_COLS = ("id", "session_id", "t_s", "kind", "detail", "created_at")
DIARY_COLS = ("id", "patient_id", "day", "fatigue", "pain", "falls", "near_falls", "freezing", "note", "updated_at")


def patient_rows(pid: str, idx: int, tpl: dict[str, Template], ids: Ids, full_track_days: int, rows: dict,
                 schema_version: int, app_version: str, algorithm_version: str) -> None:
    from exercises.registry import SPECS

    faults_of = {s.name: s.faults for s in SPECS}
    rng = random.Random(idx)
    start = NOW - timedelta(days=365)
    programme = [e for e, _ in EXERCISES][: 2 + idx % 3]
    for day in range(365):
        date = start + timedelta(days=day)
        progress = 0.85 + 0.15 * day / 365  # range and speed improve over the year
        if day % 3 == 0:
            rows["diary_entries"].append((ids.next("diary_entries"), pid, date.date(), rng.randint(0, 8),
                                          rng.randint(0, 6), int(rng.random() < 0.01), int(rng.random() < 0.03),
                                          int(rng.random() < 0.05), "", date))
        test_day = day % 14 == 6
        if rng.random() > 0.82 and not test_day:
            continue
        exercise = "sit-to-stand" if test_day else programme[day % len(programme)]
        t = tpl[exercise]
        began = date.replace(hour=9 + rng.randint(0, 9), minute=rng.randint(0, 59))
        sid = ids.next("sessions")
        settings = ({"mode": "test", "test": "chair-stand-30s", "side": "auto"} if test_day
                    else {"mode": "live", "side": "auto", "model": "full"})
        n_sets = 1 if test_day else rng.choice((1, 2, 2))
        per_set = 12 + rng.randint(-2, 2)
        clock = 0.0
        for set_no in range(1, n_sets + 1):
            set_id = ids.next("sets")
            rows["sets"].append((set_id, sid, set_no, None if test_day else 10, "", began, began))
            counted_n = 0
            month = day * 12 // 365
            for seq in range(1, per_set + 1):
                base_len, confidence, side, view, extra, by_month = t.rows[(seq - 1) % len(t.rows)]
                length = base_len / progress * rng.uniform(0.9, 1.1)
                counted = rng.random() > 0.1
                counted_n += counted
                rep_id = ids.next("reps")
                rows["reps"].append((rep_id, set_id, seq, counted_n if counted else 0, round(clock + 0.5, 3),
                                     round(clock + 0.5 + length, 3), counted, confidence, side, view,
                                     by_month[month][seq % 3], extra))
                if faults_of[exercise] and rng.random() < 0.1:
                    rows["faults"].append((ids.next("faults"), rep_id, rng.choice(faults_of[exercise]),
                                           round(clock + 0.5 + length / 2, 3), ""))
                clock += length + 0.8
            frames = int(clock * FPS) if (NOW - began).days < full_track_days else 0
            for seq in range(1, frames // CHUNK + 1):
                data = t.chunks[(sid + seq) % len(t.chunks)]
                t0 = (seq - 1) * CHUNK / FPS
                rows["pose_chunks"].append((ids.next("pose_chunks"), set_id, seq, t0, t0 + (CHUNK - 1) / FPS, CHUNK,
                                            data))
        ended = began + timedelta(seconds=clock + 30)
        if test_day:
            stands = max(3, min(20, round(9 * progress + rng.uniform(-1, 1))))
            rows["test_results"].append((ids.next("test_results"), sid, 1, "chair-stand-30s", float(stands), "stands",
                                         8.0, 14.0, "Rikli & Jones 1999", "", "", "ok", json.dumps([]),
                                         json.dumps({}), 0.05, ""))
        rows["sessions"].append((sid, str(uuidlib.uuid4()), pid, exercise, "camera:0", "complete", began, ended, ended,
                                 "clinic-laptop", 4242, schema_version, app_version, algorithm_version,
                                 json.dumps(settings), 1, "", False, "", ""))
        for kind in ("effort", "pain"):
            rows["session_events"].append((ids.next("session_events"), sid, round(clock, 2), kind,
                                           f"{rng.randint(2, 7) if kind == 'effort' else rng.randint(0, 4)}/10", ended))


TABLES = (("sessions", SESSION_COLS), ("sets", SET_COLS), ("reps", REP_COLS), ("faults", FAULT_COLS),
          ("pose_chunks", CHUNK_COLS), ("test_results", TEST_COLS), ("session_events", EVENT_COLS),
          ("diary_entries", DIARY_COLS))


def fill(url: str, patients: int, full_track_days: int) -> dict:
    import psycopg

    from coach.commands.programme import STARTER
    from coach.programme.model import Programme, ProgrammeExercise
    from coach.store.schema import SCHEMA_VERSION
    from coach.store.store import Store
    from coach.store.versions import app_version
    from coach.work.queue import conninfo
    from exercises import ALGORITHM_VERSION

    t0 = time.perf_counter()
    fresh_database(url)
    store = Store.open(url, recover=False, backup_every=None)
    tpl = templates()
    print(f"templates in {time.perf_counter() - t0:.0f} s", flush=True)
    for i in range(patients):
        pid = f"C{i + 1:04d}"
        store.add_patient(pid, age=45 + i % 45, sex=("female", "male")[i % 2], condition=CONDITIONS[i % 4],
                          affected_side=("left", "right")[i % 2])
        exercises = tuple(ProgrammeExercise(name, sets=2, reps=10, rest_s=60) for name, _ in EXERCISES[:2 + i % 3])
        store.save_programme(Programme(pid, exercises or (STARTER,), note="caseload bench"))
    store.close()
    ids = Ids()
    counts = {name: 0 for name, _ in TABLES}
    with psycopg.connect(conninfo(url)) as conn:
        programmes_began(conn)
        for batch_start in range(0, patients, 25):  # 25 patients of rows at a time: memory stays flat
            rows = {name: [] for name, _ in TABLES}
            for i in range(batch_start, min(patients, batch_start + 25)):
                patient_rows(f"C{i + 1:04d}", i, tpl, ids, full_track_days, rows, SCHEMA_VERSION, app_version(),
                             ALGORITHM_VERSION)
            with conn.cursor() as cur:
                for name, cols in TABLES:
                    counts[name] += copy_rows(cur, name, cols, rows[name])
            conn.commit()
            print(f"  {min(patients, batch_start + 25)} patients, {counts['sessions']} sessions, {counts['reps']} reps "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
        with conn.cursor() as cur:
            for name, _ in TABLES:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))")
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        size = conn.execute("SELECT pg_size_pretty(pg_database_size(current_database()))").fetchone()[0]
    counts["fill_s"] = round(time.perf_counter() - t0, 1)
    counts["database_size"] = size
    return counts


def programmes_began(conn) -> None:
    """Each programme written at the start of the year its sessions span (save_programme stamps the
    fill's own time, after every session: the alerts' 'suggested easier' check and the weeks' adherence
    then had no programme to read)."""
    conn.execute("UPDATE programmes SET created_at = %s", (NOW - timedelta(days=366),))
    conn.commit()


# --- timing: the pages' own calls ----------------------------------------------------------------

def _timed(fn, repeat: int) -> dict:
    """Wall time p50/p95 (ms) and this process's CPU time p50 (ms: the database server's time is not in
    it; on a shared machine the wall time follows the load, the CPU time much less)."""
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    times.sort()  # p95 by nearest rank: the 19th of 20 (the 20th, the slowest, is the maximum)
    return {"p50_ms": round(statistics.median(times), 1), "p95_ms": round(times[math.ceil(0.95 * len(times)) - 1], 1),
            "max_ms": round(times[-1], 1), "cpu_p50_ms": round(statistics.median(cpu), 1), "n": repeat}


def time_pages(url: str, repeat: int, alerts_repeat: int = 1) -> dict:
    """p50/p95 in ms of each page's calls (patients and review ``repeat`` times, on random patients)."""
    from coach.app.charts import session_trends
    from coach.app.pages.patients import patient_rows, tests_by_session
    from coach.app.replay import write_replay
    from coach.progress.adherence import load as adherence
    from coach.reports import collect, render_pdf
    from coach.store import bundle
    from sqlalchemy import create_engine

    from coach.store.migrations import current_version
    from coach.store.store import Store
    from coach.sync import alerts
    from coach.sync.alerts import needs_attention

    engine = create_engine(url)
    with engine.connect() as conn:
        version = current_version(conn)
    engine.dispose()
    t_open = time.perf_counter()
    store = Store.open(url, recover=False, backup_every=None)  # a database before v7: every patient's alerts stored
    opened_s = time.perf_counter() - t_open
    patients = [p.id for p in store.patients()]
    rng = random.Random(1)
    picks = [rng.choice(patients) for _ in range(repeat)]
    it = iter(picks * 4)
    today = NOW.date()

    def review() -> None:  # coach/app/pages/review.py: render, _sessions, _session, _media, adherence_table
        pid = next(it)
        store.diary_entries(pid)
        store.clips(pid)
        found = list(reversed(store.sessions(pid)))
        tests_by_session(store, pid, found)
        record = store.load_session(found[0].id)
        store.session_events(record.summary.id)  # how it felt, the caregiver's answers, the events' lines
        store.track_start(record.summary.id)  # the replay, drawn already (below: drawing it)
        adherence(store, pid, today - timedelta(weeks=5), today)
        store.diary_history(pid)

    def replay() -> None:  # the first opening of a session without video: its track decoded and drawn
        pid = next(it)
        newest = store.sessions(pid)[-1]
        with tempfile.TemporaryDirectory() as tmp:
            write_replay(store.load_poses(newest.id), Path(tmp) / "replay.mp4", start_s=store.track_start(newest.id))

    def progress() -> None:  # coach/app/pages/progress.py: collect, then the charts' frames
        session_trends(collect(store, next(it)))

    year_ago = NOW - timedelta(days=365)

    def pdf() -> None:  # coach report P --pdf / the progress page's PDF button
        render_pdf(collect(store, next(it), since=year_ago, until=NOW))

    def refresh_one() -> None:  # what each write (a session ended, a diary day, ...) adds: one patient's alerts
        with store.engine.begin() as conn:
            alerts.refresh(conn, next(it))

    load = [round(v, 1) for v in os.getloadavg()]
    out = {"schema_upgrade": {"from_version": version, "open_s": round(opened_s, 1)},
           # the Patients page: 'Needs attention' (the stored alerts, coach.sync.alerts) above the list
           "patients_page": _timed(lambda: (needs_attention(store, today), patient_rows(store)), repeat),
           "patients_page_alerts": _timed(lambda: needs_attention(store, today), repeat),
           "alerts_refresh_one_patient": _timed(refresh_one, repeat),
           "patients_list": _timed(lambda: patient_rows(store), repeat),
           "review": _timed(review, repeat),
           "review_replay_first_draw": _timed(replay, 3),
           "progress_charts": _timed(progress, max(3, repeat // 4)),
           "year_pdf": _timed(pdf, max(3, repeat // 4))}
    if alerts_repeat:  # the alerts computed patient by patient, as the page did before v7 (slow), and the same?
        out["patients_page_alerts_computed"] = _timed(lambda: alerts.needs_attention_computed(store, today),
                                                      alerts_repeat)
        stored, computed = needs_attention(store, today), alerts.needs_attention_computed(store, today)
        out["alerts_stored_equal_computed"] = {"equal": stored == computed, "alerts": len(computed),
                                               "by_kind": {k: sum(a.kind == k for a in computed) for k in alerts.ORDER}}
    with tempfile.TemporaryDirectory() as tmp:  # a month of one patient, as a patient's share file
        pid = patients[0]
        month = {s.uuid for s in store.sessions(pid, since=NOW - timedelta(days=30))}
        path = bundle.export_bundle(store, pid, Path(tmp) / "month.zip", only_sessions=month)
        times = []
        for _ in range(3):  # the month leaves the record, then comes back from the file (timed)
            for s in store.sessions(pid, since=NOW - timedelta(days=30)):
                store.discard_session(s.id)
            t = time.perf_counter()
            bundle.import_bundle(store, path)
            times.append((time.perf_counter() - t) * 1000)
        out["bundle_import_month"] = {"p50_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1),
                                      "n": len(times)}
        out["bundle_import_month"]["sessions"] = len(month)
        out["bundle_import_month"]["mb"] = round(path.stat().st_size / 2**20, 1)
    out["load_average"] = {"start": load, "end": [round(v, 1) for v in os.getloadavg()]}
    store.close()
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=("fill", "time", "both"))
    ap.add_argument("--patients", type=int, default=500)
    ap.add_argument("--db", default=None, help="PostgreSQL URL (default coach_caseload_<patients> on the test server)")
    ap.add_argument("--full-track-days", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--alerts-repeat", type=int, default=1,
                    help="times to compute 'Needs attention' patient by patient, as before v7 (slow; 0: not at all)")
    args = ap.parse_args(argv)
    url = args.db or default_url(args.patients)
    if args.what in ("fill", "both"):
        print(json.dumps({"fill": fill(url, args.patients, args.full_track_days)}, default=str), flush=True)
    if args.what in ("time", "both"):
        print(json.dumps({"patients": args.patients, "times": time_pages(url, args.repeat, args.alerts_repeat)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
