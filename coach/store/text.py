"""Free text from outside (a note, an event's detail) made safe to store and to print: terminal
escape sequences and control characters are removed; line breaks and tabs stay."""
from __future__ import annotations

import re

_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")  # CSI, OSC, 2-byte
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean(text: str | None) -> str:
    """``text`` without escape sequences or control characters (newline and tab kept)."""
    if not text:
        return ""
    return _CONTROL.sub("", _ESCAPE.sub("", text.replace("\r\n", "\n")))
