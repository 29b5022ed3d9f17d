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
