"""A balance hold timed in a real headless Chromium from its fake camera.

A rendered single-leg-stance clip with known holds (``coach.synth.write_single_leg_stance_y4m``:
truth from the generator, foot 2 cm off the floor to back under 2 cm) plays as the patient's
webcam on the patient's "Today" page; one "Start" press. The hold clock must show while the foot
is up, and the holds stored with the session must match the clip's truth within
``BROWSER_TOLERANCE_S`` (why that much: see below). Screenshots at 1280 and 800 px go to
$COACH_TEST_SCREENSHOTS (default: a tmp dir).
"""
from __future__ import annotations

import re
import time

import numpy as np
import pytest

from exercises.hold_checks import LOST
from exercises.holds import FRAME_HOLE_S, MAX_GAP_S
from tests.app.browser import CHROMIUM, STARVED, launch, snap, sqlite_url, streamlit_server
from tests.app.conftest import APP_FILE

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} not installed (apt-get install chromium)")
playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright (python package) not installed")

HOLDS_S = (7.0, 5.0)
# The exercise layer times holds to 0.2 s on true landmarks, and the same rendered clip through the
# same model frame by frame (no browser) to 0.15 s (6.73 / 4.73 s against 6.6 / 4.6 s). The browser
# path adds: WebRTC's compressed frames, the busy pose model dropping frames (only the newest is
# processed: a start or end lands up to a processed frame, ~0.1 s, late), and Chromium's fake
# camera not keeping real time on a busy machine (a stalled capture stretches the stream clock the
# hold is timed on). Measured on the shared 2-core machine: +0.06 s; +0.27 / +0.08 s; +0.68 s (a
# stall). 0.5 s allows the usual case, plus the frame steps at a hold's ends; a run starved beyond
# what a hold survives is checked for what the coach must then do (_check_holds_against_truth).
BROWSER_TOLERANCE_S = 0.5
TEMPO_S = 4.0  # the programme's metronome for sit-to-stand: one every 4 s
STS_REPS = 6  # two passes of the looping 3-rep clip: the set runs long enough to hear several beats


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    from coach.synth import write_single_leg_stance_y4m

    path = tmp_path_factory.mktemp("holdclip") / "single_leg_stance.y4m"
    # 15 s on both feet first: Chromium's camera starts playing the clip at the camera request, and
    # the WebRTC connection to the coach plus the set-up check and the 3-2-1 countdown must be over
    # before the first lift (on a busy machine the connection alone took ~8 s).
    truth = write_single_leg_stance_y4m(path, holds_s=HOLDS_S, stance="left", view="front", fps=15.0,
                                        start_rest_s=15.0)
    return path, truth


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """The patient's laptop: P001 with one set of 2 holds of standing on one leg, target 30 s."""
    from coach.programme.model import from_dict
    from coach.store import Store

    data = tmp_path_factory.mktemp("home")
    env = {"COACH_DATA_DIR": str(data), "COACH_APP_MODEL": "lite", "COACH_APP_VOICE": "none",
           "COACH_DATABASE_URL": "", "COACH_APP_PATIENT": "P001", "COACH_APP_ROLE": "patient"}
    with Store.open(sqlite_url(data)) as store:
        store.add_patient("P001", age=74, sex="female", condition="stroke", video_opt_in=False)
        store.save_programme(from_dict({"patient": "P001", "exercise": [
            {"name": "single-leg-stance", "sets": 1, "reps": len(HOLDS_S), "rest_s": 10, "hold_s": 30},
            {"name": "sit-to-stand", "sets": 1, "reps": STS_REPS, "rest_s": 10, "tempo_s": TEMPO_S}]}))
    with streamlit_server(APP_FILE, env, data / "streamlit.log") as url:
        yield url, data


def test_a_balance_hold_is_timed_from_the_fake_camera(home, clip, shots, tmp_path):
    from coach.store import Store

    url, data = home
    y4m, truth = clip
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path, camera=y4m)
        page = ctx.new_page()
        page.goto(url)
        start = page.get_by_role("button", name=re.compile(r"(Start|Do it again): Standing on one leg"))
        start.wait_for(timeout=60_000)
        start.click()  # the only press of the exercise ...
        page.get_by_role("button", name="No, I am on my own").click(timeout=60_000)  # ... and "Is someone with you?"
        counter = page.locator("[data-testid='coach-hold-counter']")
        counter.wait_for(timeout=60_000)
        # While the foot is up the clock runs, in big whole seconds.
        page.wait_for_function("() => { const c = document.querySelector(\"[data-testid='coach-hold-counter']\");"
                               " return c && c.dataset.state === 'holding' &&"
                               " Number(document.querySelector('#coach-hold-seconds').dataset.seconds) >= 3; }",
                               timeout=120_000)
        shown = float(page.locator("#coach-hold-seconds").get_attribute("data-seconds"))
        assert 3.0 <= shown <= truth["holds"][0]["hold_s"] + BROWSER_TOLERANCE_S
        snap(page, shots, "live_hold_running", height=1400, settle_ms=500)
        summary = page.locator("[data-testid='coach-summary']")
        summary.wait_for(timeout=180_000)
        snap(page, shots, "live_hold_summary", height=1400, settle_ms=500)
        text = summary.inner_text()
        ctx.close()
    said = re.search(r"You held (\d+) times?\. Your best: \d+ seconds\.", text)
    assert said, text
    best = int(re.search(r"Your best: (\d+)", text).group(1))
    deadline = time.monotonic() + 20
    while True:
        with Store.open(sqlite_url(data)) as store:
            live = [s for s in store.sessions("P001") if s.source == "browser camera"]
            record = store.load_session(live[-1].id) if live else None
        if record is not None or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert record is not None
    holds = [r for s in record.sets for r in s.reps]
    assert best == int(max(h.metrics["hold_s"] for h in holds))  # the page says what was stored
    assert int(said.group(1)) == sum(h.counted for h in holds)
    with Store.open(sqlite_url(data)) as store:
        track = store.load_poses(live[-1].id)
    _check_holds_against_truth(holds, track, [h["hold_s"] for h in truth["holds"]])


def _check_holds_against_truth(holds, track, true_s) -> None:
    """Every stored hold against what the coach could see. The coach is sent only the frames it has
    time for: on a loaded machine it can go without a frame for longer than a hold survives
    (``FRAME_HOLE_S``, a hole in the pose), and then it must not time through the hole: the hold ends
    where it last saw the person, saying it lost sight of them, and a hold taken up after the hole is
    no longer than the true one. A hold with no hole at its start or end is timed against the
    generator within ``BROWSER_TOLERANCE_S`` (plus the longest step between frames at its ends, where
    frames were lost: each end is placed at the first frame after it). With no hole (a fair run), the
    holds are exactly the clip's, each timed so."""
    ts = np.asarray(track.timestamps_s, dtype=float)
    found = ~np.isnan(track.image[:, 0, 0])
    steps = np.diff(ts)
    holes = [(float(a), float(b)) for a, b, d in zip(ts[:-1], ts[1:], steps) if d > FRAME_HOLE_S]

    def step_near(t: float) -> float:  # the longest step between frames within a second of t
        near = steps[(ts[1:] >= t - 1.0) & (ts[:-1] <= t + 1.0)]
        longest = float(near.max()) if len(near) else 0.0
        return longest if longest > 0.2 else 0.0  # a fair run's steps are inside the tolerance already

    def tolerance(h) -> float:
        return BROWSER_TOLERANCE_S + step_near(h.start_s) + step_near(h.end_s)

    assert all(h.side == "left" for h in holds), holds
    for a, b in holes:  # never timed through a hole: a hold going on when one opened ends there
        assert not any(h.start_s <= a < h.end_s - 0.01 for h in holds), ((a, b), holds)
    for h in holds:  # and says so; "lost sight" is said only when the person was unseen that long
        if any(abs(h.end_s - a) < 0.01 for a, _ in holes):
            assert h.reason == LOST, (h, holes)
        if h.reason == LOST:
            later = ts[(ts > h.end_s + 1e-3) & found]
            assert not len(later) or later[0] - h.end_s > MAX_GAP_S, (h, later[:3])
    if not holes:
        assert len(holds) == len(true_s), (holds, true_s)
        for got, want in zip(holds, true_s):
            assert got.metrics["hold_s"] == pytest.approx(want, abs=tolerance(got)), (holds, true_s)
        print("browser holds (stored, true):", [(h.metrics["hold_s"], w) for h, w in zip(holds, true_s)],
              f"longest frame step {steps.max():.2f} s")
        return
    print(f"starved: {len(holes)} holes over {FRAME_HOLE_S} s {holes}; "
          f"holds {[(h.metrics['hold_s'], h.reason) for h in holds]}")
    for h in holds:
        assert h.metrics["hold_s"] <= max(true_s) + tolerance(h), (h, true_s)
    whole = [h for h in holds if h.reason != LOST and not any(0 <= h.start_s - b <= 2.0 for _, b in holes)]
    matched = [min(range(len(true_s)), key=lambda i: abs(true_s[i] - h.metrics["hold_s"])) for h in whole]
    assert matched == sorted(set(matched)), (whole, true_s)  # each true hold at most once, in order
    for h, i in zip(whole, matched):
        assert h.metrics["hold_s"] == pytest.approx(true_s[i], abs=tolerance(h)), (h, true_s)


def test_the_metronome_beats_in_the_browser_on_the_servers_grid(home, shots, tmp_path):
    """Sit-to-stand with the programme's tempo: the beat is scheduled in the patient's browser on
    whole multiples of the period (the grid the server times reps against), only while the set is
    running, and the disc shows it; the stored reps carry their timing against that beat."""
    from coach.store import Store
    from tests.app.browser import make_clip

    url, data = home
    _, y4m, truth = make_clip(tmp_path, reps=3)
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path, camera=y4m)
        page = ctx.new_page()
        page.goto(url)
        start = page.get_by_role("button", name=re.compile(r"(Start|Do it again): Sit to stand"))
        start.wait_for(timeout=60_000)
        start.click()
        try:  # beats scheduled while the set runs (the set-up check first waits for a steady picture)
            page.wait_for_function("() => (window.__coachBeats || []).length >= 2 && "
                                   "document.getElementById('coach-beat-on')", timeout=240_000)
        except playwright_api.TimeoutError:
            page.screenshot(path=str(shots / "FAILED_live_metronome.png"))
            raise AssertionError("no beat within 240 s; the page said: "
                                 + " ".join(page.locator("[data-testid='stMain']").inner_text().split())[:600])
        beats = page.evaluate("() => [...window.__coachBeats]")
        snap(page, shots, "live_metronome_running", height=1400, settle_ms=500)
        page.locator("[data-testid='coach-summary']").wait_for(timeout=180_000)
        ctx.close()
    # Beats on the epoch grid of the period, one period apart (the server judges reps on the same grid).
    assert all(abs(b / TEMPO_S - round(b / TEMPO_S)) < 1e-6 for b in beats), beats
    assert all(abs(b2 - b1 - TEMPO_S) < 1e-6 for b1, b2 in zip(beats, beats[1:])), beats
    with Store.open(sqlite_url(data)) as store:
        live = [s for s in store.sessions("P001") if s.exercise == "sit-to-stand"]
        record = store.load_session(live[-1].id)
    reps = [r for st in record.sets for r in st.reps if r.counted]
    assert len(reps) == STS_REPS  # the clip's 3 reps, twice (Chromium loops it)
    assert truth.true_reps == 3
    # The clip is not paced to the beat: reps begun after "Go" but well before the first beat heard
    # are not judged (coach.live.pacer); every later one is, within half a period of its beat.
    judged = ["timing_error_s" in r.metrics for r in reps]
    assert any(judged) and judged == sorted(judged), judged
    assert all(abs(r.metrics["timing_error_s"]) <= TEMPO_S / 2 for r in reps if "timing_error_s" in r.metrics)
    assert record.settings.get("tempo_per_min") == pytest.approx(60 / TEMPO_S)


def test_the_timed_up_and_go_instructions_ask_for_the_walking_aid(home, shots, tmp_path):
    url, _ = home
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path)
        page = ctx.new_page()
        page.goto(f"{url}/test")
        page.get_by_text("Timed Up and Go").first.click(timeout=60_000)
        page.get_by_text("Do you walk with an aid?").wait_for(timeout=30_000)
        for words in ("3 metres", "walking stick or frame", "No walking aid", "A walking frame"):
            assert words in page.content()
        page.get_by_role("button", name="Start the test: Timed Up and Go").wait_for()
        snap(page, shots, "test_tug_instructions", height=1400, settle_ms=500)
        ctx.close()


# The TUG through the browser: the lite model on the rendered clip, frame by frame without a
# browser, times it 0.27 s short of the generator (11.84 s against 12.105 s); the browser adds a
# processed frame at each end (~0.1 s) and the fake camera's clock. 0.6 s holds that; the issue's
# 0.3 s is met on true landmarks (tests/app/test_guided_test.py, tests/neuro/test_timed_up_and_go.py).
TUG_BROWSER_TOLERANCE_S = 0.6


def test_the_timed_up_and_go_is_timed_from_the_fake_camera_and_stored(home, shots, tmp_path):
    from coach.app import guided_test as gt
    from coach.store import Store
    from coach.synth.extended import generate_ext
    from coach.synth.scripts.timed_up_and_go import script
    from coach.synth.video import write_y4m

    # Seated for the WebRTC connection (up to ~8 s on a busy machine) and the 15 s countdown first.
    tl, truth = script(start_rest_s=gt.TUG_COUNTDOWN_S + 10.0, end_rest_s=4.0)
    y4m = write_y4m(generate_ext(tl, truth, "side", fps=15.0, size=(640, 480), figure_scale=0.4, center_x=0.25),
                    tmp_path / "tug.y4m")
    url, data = home
    with playwright_api.sync_playwright() as p:
        ctx = launch(p, tmp_path, camera=y4m)
        page = ctx.new_page()
        page.goto(f"{url}/test")
        page.get_by_text("Timed Up and Go").first.click(timeout=60_000)
        page.get_by_text("A walking stick").click()
        page.get_by_role("button", name="Start the test: Timed Up and Go").click()
        page.get_by_role("button", name="No, I am on my own").click(timeout=60_000)  # "Is someone with you?"
        page.locator("#coach-clock").wait_for(timeout=60_000)
        page.wait_for_function("() => /^[1-9]\\d* s$/.test((document.querySelector('#coach-clock') || {}).innerText || '')",
                               timeout=120_000)  # after Go: the stopwatch runs
        snap(page, shots, "test_tug_running", height=1400, settle_ms=500)
        page.get_by_test_id("test-score").wait_for(timeout=180_000)  # a score, or why none
        snap(page, shots, "test_tug_result", height=1400, settle_ms=500)
        scored = page.locator("#test-value").count() > 0
        value = float(page.locator("#test-value").inner_text()) if scored else None
        why = " ".join(page.locator("[data-testid='stMain']").inner_text().split())
        shown_phases = page.locator("[data-testid='test-phases']").count()
        ctx.close()
    with Store.open(sqlite_url(data)) as store:
        stored = [t.result for t in store.test_results("P001") if t.result.test == "timed-up-and-go"]
    if not scored:  # too few frames reached the coach to time it (see STARVED): refused, said, nothing stored
        assert "No score this time" in why and STARVED.search(why) and not stored, (why, stored)
        return
    assert stored and stored[-1].value == value and "walking_aid" in stored[-1].flags
    # Within the tolerance, plus the uncertainty the scorer states for it where frames were lost
    # (two moments, each to within the longest step between the frames that reached the coach).
    lost = stored[-1].timing_uncertainty_s if (stored[-1].timing_uncertainty_s or 0.0) > 0.4 else 0.0
    assert value == pytest.approx(truth["time_s"], abs=TUG_BROWSER_TOLERANCE_S + lost), (value, truth["time_s"], lost)
    assert shown_phases == 0  # the phases are not checked: not shown (coach.labels.TUG_PHASES_WHY)
    assert set(stored[-1].details["phases"]) >= {"stand_up", "walk_out", "turn", "walk_back", "sit_down"}  # kept
    print("browser TUG:", value, "truth", truth["time_s"])
