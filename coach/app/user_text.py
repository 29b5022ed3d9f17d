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

_MARKUP = re.compile(r"([\\`*_{}\[\]<>#|~$!@&])")  # emphasis, code, links, images, HTML, tables, maths, e-mail
_LINE_START = re.compile(r"^([-+=]|\d+[.)])")  # a list item or a heading underline at a line's start
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=www)(\.)")  # http://, www.: GitHub-style bare links


def plain(text: object) -> str:
    """``text`` for a markdown call: what builds links, images, HTML, emphasis, code, headings, lists
    and bare web links backslash-escaped (CommonMark shows an escaped character as itself), each line
    break kept, leading blanks dropped (no code blocks). Ordinary punctuation is left as it is."""
    if text is None:
        return ""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out = []
    for line in lines:
        line = _AUTOLINK.sub(lambda m: "\\" + (m.group(1) or m.group(2)), _MARKUP.sub(r"\\\1", line.strip()))
        out.append(_LINE_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], line))
    return "  \n".join(out)


def html_text(text: object) -> str:
    """``text`` for a call with ``unsafe_allow_html=True``: HTML-escaped, quotes included."""
    return "" if text is None else html.escape(str(text), quote=True)
