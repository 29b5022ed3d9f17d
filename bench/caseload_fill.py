"""The synthetic caseload bench/caseload.py times: templates of real reps and tracks (the generator's
true poses through the coach's own exercises), each patient's year of rows, written with COPY into
a fresh PostgreSQL database. See bench/caseload.py for what a patient's year holds."""
from __future__ import annotations

import json
import os
import pickle
import random
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
