"""The recording warnings of file mode, in words a physio reads (no pose model needed)."""
from __future__ import annotations

from types import SimpleNamespace

from coach.analysis import _warnings

SOURCE = SimpleNamespace(truncated=False)


def test_two_people_for_seconds_say_how_long():
    said = _warnings(SOURCE, 1.0, 0.3, 3.0, "the person on the left of the picture")
    assert said == ["two people were in view for about 3 s: only the reps of the person on the left of the "
                    "picture were counted"]


def test_two_people_under_a_second_say_the_share_of_checks_not_about_0_s():
    said = _warnings(SOURCE, 1.0, 0.5, 0.5, "the person on the right of the picture")
    assert said == ["two people were in view in 50% of checks: only the reps of the person on the right of "
                    "the picture were counted"]
