"""What the live page says to the patient, in plain words: what to have ready, the line under the
counter, and the summary at the end. The cues said during a set come from the live coach itself
(``coach.live.cues``, ``coach.live.holds``); this holds only the page's own sentences.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from coach.live.holds import seconds_words
from exercises import EXERCISES

if TYPE_CHECKING:
    from coach.app.webrtc_coach import LiveStatus


def checklist(exercise: str, protocol=None) -> list[str]:
    """What to have ready; a guided test's own needs (its ``exercises.validated_tests.TestSpec``)
    first."""
    spec = EXERCISES.get(exercise)
    needs = protocol.needs if protocol is not None else (spec.equipment if spec is not None else "Space around you")
    where = ("The laptop to the side, seeing the chair and the line 3 metres away"
             if protocol is not None and protocol.id == "timed-up-and-go"
             else "The laptop 2 to 3 metres away, so your whole body is on the screen")
    return [needs, where, "Lights on; no bright window behind you",
            "Stop at once if you feel dizzy, short of breath or in pain"]


def caption(status: LiveStatus, started: bool) -> str:
    """The line under the counter: what is happening now, in plain words."""
    if status.error:
        return status.error
    if not started:
        return "Starting the camera... If the browser asks, press Allow."
    if status.phase == "setup":
        return status.setup_instruction or "Checking that the camera can see you..."
    return status.cue_text


def summary_lines(reps: int, sets: list, status: str) -> tuple[str, str]:
    """(headline, encouragement): no praise for a session with nothing in it."""
    head = f"You did {reps} repetition{'s' if reps != 1 else ''}" + (f" in {len(sets)} sets." if len(sets) > 1 else ".")
    if reps == 0 and status == "interrupted" and not sets:  # the stream ended during the set-up or countdown
        return head, "The camera stopped before the exercise began. Press Start to try again."
    if reps == 0:
        return head, ("Nothing was counted this time. Check that the camera can see your whole body, "
                      "and try again when you are ready.")
    reached = bool(sets) and all(x.reps >= x.target for x in sets if x.target)  # "Finish" after the last rep
    if status in ("stopped", "interrupted") and not reached:
        return head, "You stopped early. That is fine: listen to your body."
    return head, "Well done! Every session makes a difference. Rest and drink some water."


def hold_summary_lines(sets: list, status: str, target_s: float | None = None) -> tuple[str, str]:
    """(headline, encouragement) of a balance-hold session; ``target_s`` each hold's target."""
    times = [x.holds for x in sets if x.holds]
    n = sum(h["holds"] for h in times)
    if not n:
        return "No hold was timed.", ("Nothing was timed this time. Check that the camera can see you from head to "
                                       "feet, and try again when you are ready.")
    best, total = max(h["best_s"] for h in times), sum(h["total_s"] for h in times)
    head = f"You held {n} time{'s' if n != 1 else ''}. Your best: {seconds_words(best)}."
    if target_s:
        head += (f" You reached your {int(target_s)}-second target!" if best >= target_s
                 else f" Your target: {seconds_words(target_s)}.")
    if any(x.ended_by == "balance_loss" for x in sets):
        return head, ("You lost your balance, so we stopped. Rest, and hold on to your support. "
                      "It is kept with this session for your physiotherapist.")
    if status in ("stopped", "interrupted"):
        return head, f"All together {seconds_words(total)}. You stopped early. That is fine: listen to your body."
    return head, f"All together {seconds_words(total)}. Well done! Rest and drink some water."


def set_line(result) -> str:
    """One set of the summary (``coach.live.sets.SetResult``), as a list item."""
    if result.holds:
        n = result.holds["holds"]
        return (f"- Set {result.set_no}: {n} hold{'s' if n != 1 else ''}, best {int(result.holds['best_s'])} s"
                + (" (stopped: loss of balance)" if result.ended_by else ""))
    line = f"- Set {result.set_no}: {result.reps} of {result.target}" + (f" ({result.fatigue})" if result.fatigue else "")
    if result.pacing:
        line += f". {pacing_words(result.pacing)}"
    return line


def pacing_words(pacing: dict) -> str:
    """A set's pacing in plain words for the patient (the physio's numbers are in the review)."""
    err = pacing.get("mean_abs_error_s")
    words = "On the beat" if err is not None and err < 0.25 else "A little off the beat"
    if pacing.get("decrement"):
        words += "; your movements got smaller towards the end: think big"
    return words
