"""The thinking task of a dual-task set, live: said at each set's start and shown during it.

At every ``set_started`` the coach says the set's start with the task in one announcement ("Set one.
Count back in sevens from 93. Say the numbers out loud. Go": one cue, so the speaker's one-slot
mailbox never drops half of it), and the screen shows the task's short form in big words while
the set runs (``LiveUpdate.task_text``). Each set gets a fresh start number or letter from this
object's own random generator (seeded by the caller for tests). The prompt is recorded as a
session event ("dual_task", detail "<task name>: <the words said>") for the physio; that event also
marks the session as done with the task where the task was chosen after the recording began (the
browser's page: ``attach`` before the first set), see ``coach.reports.dual_task.task_of``.

Nothing of the patient's voice is recorded: the answers are said aloud to nobody; the coach never
opens a microphone (no audio input anywhere in the live coach).
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from exercises.dual_task import TaskPrompt, ThinkingTask, get_task

from coach.live.cues import ANNOUNCE, Cue, number_word

EVENT_KIND = "dual_task"


@dataclass
class DualTaskPrompter:
    task: ThinkingTask
    rng: random.Random = field(default_factory=random.Random)
    current: TaskPrompt | None = field(default=None, init=False)
    prompts: list[TaskPrompt] = field(default_factory=list, init=False)

    @classmethod
    def named(cls, name: str, seed: int | None = None) -> "DualTaskPrompter":
        return cls(get_task(name), random.Random(seed))

    @property
    def shown(self) -> str:
        """The task's short words for the screen ("" before the first set)."""
        return self.current.shown if self.current is not None else ""

    def on_set_events(self, set_events, cues: list[Cue]) -> list[tuple[float, str]]:
        """At a set's start: a fresh prompt, said in the set's own announcement (``cues`` is changed
        in place). Returns (time, words said) to record."""
        out = []
        for event in set_events:
            if event.kind != "set_started":
                continue
            self.current = self.task.prompt(self.rng)
            self.prompts.append(self.current)
            words = f"Set {number_word(event.set_no)}. {self.current.spoken}. Go"
            start = next((i for i, c in enumerate(cues) if c.kind == ANNOUNCE and c.time_s == event.time_s
                          and c.text.startswith(f"Set {number_word(event.set_no)}")), None)
            if start is None:
                cues.append(Cue(words, ANNOUNCE, event.time_s))
            else:
                cues[start] = Cue(words, ANNOUNCE, event.time_s)
            out.append((event.time_s, f"{self.task.name}: {self.current.spoken}"))
        return out


def attach(session, name: str | None, seed: int | None = None) -> bool:
    """Give a live session a thinking task (``name``; None or "" takes it away) while no set has
    started yet; False (nothing changed) once a set has begun. The session reads it on the next
    frame (one attribute set: safe from the page's thread)."""
    if session.sets.results:
        return False
    session.dual_task = DualTaskPrompter.named(name, seed) if name else None
    return True
