"""What every exercise machine (rep counters and timed holds) does the same way with its input:
tell the UI about a lasting problem without flicker, and re-run itself over a recording."""
from __future__ import annotations

WARNING_AFTER_S = 1.0  # a problem must last this long before the UI is told (no flicker)
WARNING_REPEAT_S = 5.0


class ProblemNotices:
    """Turns a per-frame problem ("No one in view", or None) into a warning once it has lasted
    ``WARNING_AFTER_S``, repeated at most every ``WARNING_REPEAT_S``."""

    def __init__(self) -> None:
        self.problem: str | None = None
        self._since: float | None = None
        self._warned: tuple[str, float] | None = None

    def note(self, t: float, problem: str | None) -> str | None:
        """The warning to show now, if any."""
        if (problem is None) != (self.problem is None):  # the clock runs while any problem lasts
            self._since = t
        self.problem = problem
        since = self._since if self._since is not None else t
        if problem is None or t - since < WARNING_AFTER_S:
            return None
        if self._warned and self._warned[0] == problem and t - self._warned[1] < WARNING_REPEAT_S:
            return None
        self._warned = (problem, t)
        return problem


def replay(machine, poses, fallback_end_s: float):
    """Feed ``poses`` to a fresh ``machine`` and finish it at the last pose (file mode's second
    pass); returns the machine."""
    last = None
    for pose in poses:
        machine.update(pose)
        last = pose.timestamp_s
    machine.finish(last if last is not None else fallback_end_s)
    return machine
