"""What the patient is told about where their diary, test or session has gone: only what is true.

- Not paired: it goes with the next share file ("Share with my physio").
- Paired, not yet delivered: it is kept here and goes with the next sync (by itself, when the
  computer is online; "Send now" on the share page).
- Delivered (the clinic answered that it took this very version of it): "Sent to your
  physiotherapist at 10:42" (the day too when it was not today).
"""
from __future__ import annotations

from datetime import date, datetime

from coach.sync import outbox

NOT_PAIRED = ("Saved on this computer. Your physiotherapist sees it when you send them your next share file "
              "(Share with my physio).")
WAITING = ("Saved on this computer. It goes to your physiotherapist with the next sync: the coach sends it by "
           "itself when this computer is online.")


def sent_words(at: datetime, today: date | None = None) -> str:
    local = at.astimezone()
    today = today or date.today()
    when = f"{local:%H:%M}" if local.date() == today else f"{local:%H:%M} on {local:%a} {local.day} {local:%b}"
    return f"Sent to your physiotherapist at {when}."


def delivery(store, patient_id: str, kind: str, key: str, paired: bool) -> tuple[str, bool]:
    """(words, delivered) for one item: ``kind`` "diary" (key: ISO day), "session" or "clip" (uuid)."""
    if not paired:
        return NOT_PAIRED, False
    found = outbox.item(store, patient_id, kind, key)
    now = outbox.current(store, patient_id).get((kind, key))
    if found is not None and found.delivered_at and now is not None and found.delivered_fingerprint == now:
        return sent_words(found.delivered_at), True
    return WAITING, False
