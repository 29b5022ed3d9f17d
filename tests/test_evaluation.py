"""The evaluation harness's arithmetic and manifest parsing, on hand-made scores."""
import pytest

from coach.evaluation import ManifestRow, evaluate, read_manifest, score_clip, totals
from exercises.base import Rep


def _reps(n, counted=True, stand=None):
    return [Rep(index=i + 1, start_s=2.0 * i, end_s=2.0 * i + 1.5, counted=counted,
                metrics={"stand_time_s": 2.0 * i + 0.7} if stand else {}) for i in range(n)]


def test_reads_the_shared_manifest_format(tmp_path):
    manifest = tmp_path / "gt.tsv"
    manifest.write_text("file\texercise\ttrue_reps\tconfidence\tview\trep_times_s\tnotes\n"
                        "a.mp4\tsit-to-stand\t5\thigh\tside\t1.1,2.9,4.9\tnote\n"
                        "b.mp4\theel-raise\t3\thigh\tfront\t\t\n")
    rows = read_manifest(manifest)
    assert [r.true_reps for r in rows] == [5, 3]
    assert rows[0].rep_times_s == (1.1, 2.9, 4.9)
    assert rows[1].rep_times_s == ()
    assert rows[0].path == (tmp_path / "a.mp4").resolve()


@pytest.mark.parametrize("content, message", [
    ("file\texercise\n", "lacks column"),
    ("file\texercise\ttrue_reps\na.mp4\tsquat\tfive\n", ":2: bad row"),
])
def test_bad_manifests_name_the_problem(tmp_path, content, message):
    manifest = tmp_path / "m.tsv"
    manifest.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_manifest(manifest)


def test_totals():
    row = lambda n: ManifestRow(path=None, exercise="squat", true_reps=n)  # noqa: E731
    scores = [score_clip(row(5), _reps(5), 1.0), score_clip(row(5), _reps(4), 1.0),
              score_clip(row(3), _reps(6), 1.0), score_clip(row(2), _reps(2) + _reps(1, counted=False), 1.0)]
    t = totals(scores)
    assert t.exact_rate == 0.5
    assert t.off_by_one_rate == 0.25
    assert t.within_one_rate == 0.75
    assert t.mean_abs_count_error == pytest.approx((0 + 1 + 3 + 0) / 4)


def test_rep_time_error_uses_the_standing_moment():
    row = ManifestRow(path=None, exercise="sit-to-stand", true_reps=2, rep_times_s=(0.8, 2.6))
    score = score_clip(row, _reps(2, stand=True), 1.0)
    assert score.predicted_rep_times_s == [0.7, 2.7]
    assert score.mean_rep_time_error_s == pytest.approx(0.1)


def test_a_failing_clip_is_recorded_not_fatal():
    rows = [ManifestRow(path=None, exercise="squat", true_reps=1)] * 2
    calls = iter([RuntimeError("decoder died"), (_reps(1), 0.9, None)])

    def analyze(row):
        item = next(calls)
        if isinstance(item, Exception):
            raise item
        return item

    scores = evaluate(rows, analyze)
    assert "decoder died" in scores[0].error
    assert scores[1].count_error == 0
    assert totals(scores).failed == 1


def test_a_timings_manifest_is_told_apart_and_read(tmp_path):
    from coach.evaluation import is_timed_manifest, read_timed_manifest

    timed = tmp_path / "timed.tsv"
    timed.write_text("file\ttest\tstart_s\tend_s\ttime_s\tconfidence\n"
                     "t.webm\ttimed-up-and-go\t4.70\t15.45\t10.75\thigh\n"
                     "h.mp4\tsingle-leg-stance\t1.0\t6.5\t5.5\thigh\n")
    counts = tmp_path / "gt.tsv"
    counts.write_text("file\texercise\ttrue_reps\na.mp4\tsquat\t3\n")
    assert is_timed_manifest(timed) and not is_timed_manifest(counts)
    rows = read_timed_manifest(timed)
    assert [(r.test, r.time_s, r.tolerance_s) for r in rows] == [("timed-up-and-go", 10.75, 0.5),
                                                                  ("single-leg-stance", 5.5, 0.3)]
    assert rows[0].path == (tmp_path / "t.webm").resolve()


def test_timed_scores_and_a_failing_clip():
    from coach.evaluation import TimedMeasure, TimedRow, evaluate_timed

    rows = [TimedRow(None, "timed-up-and-go", 4.7, 15.45, 10.75), TimedRow(None, "single-leg-stance", 1.0, 6.5, 5.5),
            TimedRow(None, "timed-up-and-go", 0.5, 5.9, 5.4)]
    answers = iter([TimedMeasure(12.9, 2.9, 15.8), TimedMeasure(5.7, 1.0, 6.7), RuntimeError("no frames")])

    def measure(row):
        item = next(answers)
        if isinstance(item, Exception):
            raise item
        return item

    tug, hold, bad = evaluate_timed(rows, measure)
    assert tug.time_error_s == pytest.approx(2.15) and tug.start_error_s == pytest.approx(-1.8)
    assert not tug.within_tolerance  # 2.15 s off: outside the TUG's 0.5 s
    assert hold.time_error_s == pytest.approx(0.2) and hold.within_tolerance  # inside the holds' 0.3 s
    assert "no frames" in bad.error and not bad.within_tolerance


def test_live_totals_count_clips_with_falls_and_fatigue():
    row = lambda n: ManifestRow(path=None, exercise="squat", true_reps=n)  # noqa: E731
    scores = [score_clip(row(4), _reps(4), 1.0, live_reps=4, live_events=()),
              score_clip(row(4), _reps(4), 1.0, live_reps=0, live_events=("fall_like", "fall_like")),
              score_clip(row(3), _reps(3), 1.0, live_reps=2, live_events=("fatigue",))]
    t = totals(scores)
    assert t.live_exact_rate == pytest.approx(1 / 3) and t.live_within_one_rate == pytest.approx(2 / 3)
    assert (t.live_falls, t.live_fatigue) == (1, 1)
