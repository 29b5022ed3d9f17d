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
import itertools
import json
import math
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # run as a script: its sibling module

from caseload_fill import NOW, default_url, fill  # noqa: E402  (the rows; this file: the timing)


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
    it = itertools.cycle(picks)  # every timed call takes the next patient, round and round
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
