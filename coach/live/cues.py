"""What to say and when: immediate, specific, positive, and never nagging.

Announcements (rep numbers, set and rest messages, safety) always go out. Coaching (form cues,
set-up instructions, praise) passes a ``CueRateLimiter``: the same cue at most every
``per_cue_gap_s``, any coaching cue at most every ``global_gap_s``, and never on top of an
announcement made a moment ago.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from exercises.base import Rep
from exercises.faults import cue

from coach.live.fatigue import FatigueSignal
from coach.live.sets import SetEvent
from coach.live.setup_check import SetupResult

SAFETY, ANNOUNCE, COUNT, COACH, SETUP_KIND, PRAISE = "safety", "announce", "count", "coach", "setup", "praise"
ALWAYS = (SAFETY, ANNOUNCE, COUNT)

_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
          "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")

PAUSE_MESSAGES = {
    "fall": "Are you all right? The set is paused. Take your time",
    "out_of_view": "I can't see you. The set is paused",
    "camera_lost": "The camera stopped. The set is paused",
}


def number_word(n: int) -> str:
    return _WORDS[n] if 0 <= n < len(_WORDS) else str(n)


def spoken_count(n: int) -> str:
    return number_word(n).capitalize()


@dataclass(frozen=True)
class Cue:
    text: str
    kind: str  # safety / announce / count / coach / setup / praise
    time_s: float


@dataclass
class CueRateLimiter:
    per_cue_gap_s: float = 15.0
    global_gap_s: float = 5.0
    _last_by_text: dict[str, float] = field(default_factory=dict, init=False)
    _last_any_s: float | None = field(default=None, init=False)

    def allow(self, text: str, t: float) -> bool:
        """True (and remembered) when ``text`` may be said at ``t``."""
        last = self._last_by_text.get(text)
        if last is not None and t - last < self.per_cue_gap_s:
            return False
        if self._last_any_s is not None and t - self._last_any_s < self.global_gap_s:
            return False
        self._last_by_text[text] = self._last_any_s = t
        return True


@dataclass
class CueEngine:
    limiter: CueRateLimiter = field(default_factory=CueRateLimiter)
    exercise: str = ""  # its spec's own cues come first (``exercises.faults.cue``)
    quiet_after_announce_s: float = 1.0  # let a count be heard before coaching follows it
    _last_announce_s: float | None = field(default=None, init=False)
    _last_rep_faulted: bool = field(default=False, init=False)

    def on_rep(self, t: float, rep: Rep, set_reps: int) -> list[Cue]:
        """A counted rep: its number, then either a form cue or, after a corrected fault, praise."""
        cues = [self._announce(spoken_count(set_reps), COUNT, t)]
        if rep.faults:
            cues += self._coach(_fault_cue(rep.fault_codes[0], self.exercise), COACH, t, after_count=True)
        elif self._last_rep_faulted:
            cues += self._coach("That's it, well done", PRAISE, t, after_count=True)
        self._last_rep_faulted = bool(rep.faults)
        return cues

    def on_attempt(self, t: float, rep: Rep) -> list[Cue]:
        """An attempt that did not count: say what would make it count."""
        self._last_rep_faulted = True
        code = rep.fault_codes[0] if rep.faults else "incomplete_stand"
        return self._coach(_fault_cue(code, self.exercise), COACH, t)

    def on_fault(self, t: float, code: str) -> list[Cue]:
        return self._coach(_fault_cue(code, self.exercise), COACH, t)

    def on_setup(self, t: float, result: SetupResult) -> list[Cue]:
        return self._coach(result.instruction, SETUP_KIND, t) if result.instruction else []

    def on_fatigue(self, t: float, signal: FatigueSignal) -> list[Cue]:
        if signal.reason == "smaller":
            return [self._announce("Your movements are getting smaller. Have a rest if you need one", ANNOUNCE, t)]
        return [self._announce("You are slowing down. Have a rest if you need one", ANNOUNCE, t)]

    def on_set_event(self, event: SetEvent) -> list[Cue]:
        t, n = event.time_s, event.set_no
        if event.detail == "balance_loss":
            return []  # the session says "Stop. Hold on to your support." itself: nothing on top of it
        if event.kind == "countdown":  # a long countdown (the TUG's 15) is shown, spoken from five
            return [self._announce(spoken_count(int(event.value)), COUNT, t)] if event.value <= 5 else []
        if event.kind == "set_started":
            self._last_rep_faulted = False
            return [self._announce(f"Set {number_word(n)}. Go", ANNOUNCE, t)]
        if event.kind == "rest_started":
            return [self._announce(f"Set {number_word(n)} done, rest {int(round(event.value))} seconds", ANNOUNCE, t)]
        if event.kind == "rest_over":
            return [self._announce("Rest is over. Get ready", ANNOUNCE, t)]
        if event.kind == "all_done":
            return [self._announce("All sets done. Well done!", ANNOUNCE, t)]
        if event.kind == "paused":
            return [self._announce(PAUSE_MESSAGES.get(event.detail, "The set is paused"), SAFETY, t)]
        if event.kind == "resumed":
            return [self._announce("Welcome back. Let's carry on", ANNOUNCE, t)]
        return []

    def _announce(self, text: str, kind: str, t: float) -> Cue:
        self._last_announce_s = t
        return Cue(text, kind, t)

    def _coach(self, text: str, kind: str, t: float, after_count: bool = False) -> list[Cue]:
        recent = self._last_announce_s is not None and t - self._last_announce_s < self.quiet_after_announce_s
        if not text or (recent and not after_count) or not self.limiter.allow(text, t):
            return []
        return [Cue(text, kind, t)]


def _fault_cue(code: str, exercise: str = "") -> str:
    return cue(code, exercise) or ""
