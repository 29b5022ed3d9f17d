"""A self-contained HTML report (figures embedded, no external files or scripts)."""
from __future__ import annotations

import base64
from datetime import datetime
from html import escape

from coach.reports.tables import Section, Table

_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; border-bottom: 1px solid #ccc; margin-top: 2em; }
h3 { font-size: 1em; margin-bottom: .3em; }
table { border-collapse: collapse; font-size: .85em; margin-bottom: 1em; }
th, td { border: 1px solid #ddd; padding: .2em .5em; text-align: left; }
th { background: #f0f4f8; } tr:nth-child(even) td { background: #fafafa; }
figure { margin: 1em 0; } img { max-width: 100%; } .note { color: #666; font-size: .85em; }
"""


def render(title: str, sections: list[Section], generated: datetime) -> str:
    body = [f"<h1>{escape(title)}</h1>",
            f'<p class="note">Generated {generated:%Y-%m-%d %H:%M}. Health data: keep confidential.</p>']
    for s in sections:
        body.append(f"<h2>{escape(s.title)}</h2>")
        body.extend(f"<p>{escape(line)}</p>" for line in s.lines)
        body.extend(_table(t) for t in s.tables)
        for caption, png in s.figures:
            data = base64.b64encode(png).decode("ascii")
            body.append(f'<figure><img alt="{escape(caption)}" src="data:image/png;base64,{data}">'
                        f"<figcaption>{escape(caption)}</figcaption></figure>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _table(t: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in t.headers)
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in t.rows)
    note = f'<p class="note">{escape(t.note)}</p>' if t.note else ""
    return f"<h3>{escape(t.title)}</h3><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{note}"
