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

_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|~$!&])")  # emphasis, code, links, images, HTML, tables, maths
_LINE_START = re.compile(r"^([-+=]|\d+[.)])")  # a list item or a heading underline at a line's start
# GitHub-style bare links (http://, www., e-mail addresses) are found in the text after escapes are
# undone, so no backslash stops them: a zero-width space breaks them up, invisibly.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z]:)(?=//)|(?<=www)(?=\.)|(?=@)")
ZERO_WIDTH_SPACE = "\u200b"


def plain(text: object) -> str:
    """``text`` for a markdown call: what builds links, images, HTML, emphasis, code, headings and lists
    backslash-escaped (CommonMark shows an escaped character as itself), bare web and e-mail links
    broken by a zero-width space, each line break kept, leading blanks dropped (no code blocks).
    Ordinary punctuation is left as it is."""
    if text is None:
        return ""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    for line in lines:
        line = _AUTOLINK.sub(ZERO_WIDTH_SPACE, _MARKUP.sub(r"\\\1", line.strip()))
        out.append(_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line))
    return "  \n".join(out)


def html_text(text: object) -> str:
    """``text`` for a call with ``unsafe_allow_html=True``: HTML-escaped, quotes included."""
    return "" if text is None else html.escape(str(text), quote=True)
