"""What the patient is told after recording a fall (or a near-fall) in the diary: who to call and
when to get help, in plain words, instead of only "thank you".

The physio sets the wording for a patient's computer (local numbers, their own service) in the file
``fall_advice.txt`` in that computer's data folder (``COACH_DATA_DIR``): one line per point, the
first line the heading. Without that file the default below is shown.
"""
from __future__ import annotations

from pathlib import Path

FILE_NAME = "fall_advice.txt"
MAX_CHARS = 2000
DEFAULT = (
    "You had a fall. Please read this:",
    "If you are hurt, hit your head, feel unwell or confused, or could not get up by yourself: "
    "call your emergency number (999, 112 or 911) or your doctor now.",
    "If you take blood-thinning tablets and hit your head, get checked today, even if you feel fine.",
    "Otherwise, tell your physiotherapist or doctor within a day or two.",
    "Do not do your exercises until you have spoken to them if you are sore, dizzy or unsteady.",
)
NEAR_FALL = ("Near-falls matter too: your physiotherapist will see them. If they happen often, "
             "tell them before your next appointment.")


def advice(data_dir: Path) -> tuple[str, ...]:
    """(heading, point, point, ...): the physio's wording for this computer, else ``DEFAULT``."""
    path = Path(data_dir) / FILE_NAME
    try:
        text = path.read_text(encoding="utf-8")[:MAX_CHARS]
    except (OSError, UnicodeDecodeError):
        return DEFAULT
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    return lines if len(lines) >= 2 else DEFAULT


def html_block(lines: tuple[str, ...]) -> str:
    """A calm but unmissable box (the heading, then the points)."""
    import html

    head, *points = lines
    return ("<div data-testid='diary-fall-advice' role='alert' style='border:4px solid #b3261e;border-radius:14px;"
            "padding:0.6rem 1.2rem;background:#fff4f2;margin:0.6rem 0'>"
            f"<div class='coach-big'>{html.escape(head)}</div><ul>"
            + "".join(f"<li style='font-size:1.3rem'>{html.escape(p)}</li>" for p in points) + "</ul></div>")
