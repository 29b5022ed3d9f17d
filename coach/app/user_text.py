"""What a patient or a file wrote, shown as the words it is: never as markdown or HTML.

Streamlit renders ``st.markdown``, ``st.write``, ``st.caption``, ``st.info``/``warning``/``error``/
``success``, titles and widget labels as markdown. A diary note such as
``![x](http://host/beacon.png) [Click to log in again](http://...)`` would make the physio's browser
fetch the image and show the link. Every piece of user text (diary and clip notes, patient codes,
conditions, session notes, file names, messages that quote a file) passes through ``plain`` before it
goes into such a call, or ``html_text`` where the call allows HTML.
"""
from __future__ import annotations

import html
import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: object) -> str:
    """``text`` for a markdown call: every ASCII punctuation character backslash-escaped (CommonMark
    shows it as itself), each line break kept, leading blanks dropped (no code blocks)."""
    if text is None:
        return ""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "  \n".join(_PUNCTUATION.sub(r"\\\1", line.strip()) for line in lines)


def html_text(text: object) -> str:
    """``text`` for a call with ``unsafe_allow_html=True``: HTML-escaped, quotes included."""
    return "" if text is None else html.escape(str(text), quote=True)
