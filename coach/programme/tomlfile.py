"""Programme files (TOML) for the physio: import with errors that name the line, export.

Example::

    patient = "P001"
    note = "week 3: more reps"

    [progression]            # optional; defaults in coach.programme.model.ProgressionRules
    sessions_to_progress = 3

    [[exercise]]
    name = "sit-to-stand"    # sit-to-stand, squat, heel-raise, reach, arm-raise
    sets = 3
    reps = 8
    rest_s = 90
    side = "both"
    support = "none"         # two-hands, one-hand, fingertips, none
    days = ["mon", "wed", "fri"]
    thresholds = { trunk_flexion_limit_deg = 55 }
    tempo_s = 4              # metronome: one rep every 4 s (or tempo_per_min = 15; not both)
    routine = "before each meal"   # free words; known ones imply times (here 08:00, 12:30, 18:00)
    times = ["08:00", "12:30", "18:00"]  # optional: the patient's own times of day (24-hour)

    [[exercise]]
    name = "single-leg-stance"
    reps = 3                 # holds
    hold_s = 20              # target seconds per hold (balance holds only)
    support = "fingertips"
    routine = "while brushing teeth"
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import tomli_w

from coach.programme.model import Programme, ProgrammeError, from_dict

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


class ProgrammeFileError(ValueError):
    """A programme file that cannot be used; the message names the file and line of each problem."""


MAX_FILE_CHARS = 256 * 1024  # a programme is a page of text; more is a mistake (or an attack)
MAX_NOTE_CHARS = 20_000
MAX_DEPTH = 8  # tables and arrays nested deeper than any programme needs


def loads(text: str, *, source: str = "programme", patient_id: str | None = None) -> Programme:
    if len(text) > MAX_FILE_CHARS:
        raise ProgrammeFileError(f"{source}: {len(text):,} characters; a programme file is at most "
                                 f"{MAX_FILE_CHARS:,} (is this the right file?)")
    depth = _max_bracket_depth(text)
    if depth > MAX_DEPTH:
        raise ProgrammeFileError(f"{source}: values nested {depth} deep; a programme needs at most {MAX_DEPTH}")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ProgrammeFileError(f"{source}: not valid TOML: {e}") from e
    except RecursionError:
        raise ProgrammeFileError(f"{source}: values nested too deeply to read") from None
    for key in ("note", "author"):
        if isinstance(data.get(key), str) and len(data[key]) > MAX_NOTE_CHARS:
            raise ProgrammeFileError(f"{source}: the {key} is {len(data[key]):,} characters; at most {MAX_NOTE_CHARS:,}")
    try:
        return from_dict(data, patient_id=patient_id, source=source)
    except ProgrammeError as e:
        locate = _Locator(text)
        lines = [f"{source} line {locate(loc)}: {_describe(loc, data)}{msg}" for loc, msg in e.problems]
        raise ProgrammeFileError("\n".join(lines)) from e


def _max_bracket_depth(text: str) -> int:
    """Nesting of [ and { outside strings and comments (cheap, before the parser recurses)."""
    depth = deepest = 0
    quote = ""
    comment = False
    for ch in text:
        if comment:
            comment = ch != "\n"
        elif quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            comment = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth = max(0, depth - 1)
    return deepest


def load(path: str | Path, *, patient_id: str | None = None) -> Programme:
    path = Path(path)
    try:
        if path.stat().st_size > 4 * MAX_FILE_CHARS:
            raise ProgrammeFileError(f"{path}: {path.stat().st_size:,} bytes; a programme file is at most "
                                     f"{MAX_FILE_CHARS:,} characters (is this the right file?)")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ProgrammeFileError(f"Cannot read programme file {path}: {e}") from e
    return loads(text, source=str(path), patient_id=patient_id)


def dumps(programme: Programme) -> str:
    header = [f"# Exercise programme for patient {programme.patient_id}"]
    if programme.version is not None:
        header.append(f"# exported from version {programme.version}"
                      + (f" ({programme.created_at:%Y-%m-%d})" if programme.created_at else ""))
    header.append("# Edit and import with: coach programme import PATIENT FILE")
    data = programme.to_dict()
    if programme.author:
        data["author"] = programme.author
    if programme.note:
        data["note"] = programme.note
    ordered = {k: data[k] for k in ("patient", "author", "note", "progression", "exercise") if k in data}
    return "\n".join(header) + "\n\n" + _one_line_lists(tomli_w.dumps(ordered))


def _one_line_lists(text: str) -> str:
    """``days = ["mon", "wed"]`` on one line, as a person would write it (tomli-w splits lists)."""
    def join(m: re.Match) -> str:
        items = [line.strip().rstrip(",") for line in m.group(1).splitlines()]
        return "[" + ", ".join(items) + "]"
    return re.sub(r"\[\n((?:    [^\n\[\]{}]*,\n)+)\]", join, text)


def dump(programme: Programme, path: str | Path) -> None:
    from coach.store.paths import write_private

    write_private(path, dumps(programme))


def _describe(loc: tuple, data: dict) -> str:
    if len(loc) >= 2 and loc[0] == "exercise":
        try:
            name = data["exercise"][loc[1]].get("name", "?")
        except (KeyError, IndexError, AttributeError):
            name = "?"
        return f"exercise {loc[1] + 1} ({name}): "
    return ""


class _Locator:
    """Finds the line of a problem's location, e.g. ("exercise", 1, "reps") -> 23.

    Works on the layout people write (one key per line, [[exercise]] tables, sub-tables or inline
    tables); falls back to the enclosing table's header line.
    """

    _HEADER = re.compile(r"^\s*\[\[?\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?")

    def __init__(self, text: str):
        self.lines = text.splitlines()
        # (line number, header name, exercise ordinal or None)
        self.headers: list[tuple[int, str, int | None]] = []
        ordinal = -1
        for no, line in enumerate(self.lines, start=1):
            m = self._HEADER.match(line)
            if m:
                name = m.group(1)
                if line.lstrip().startswith("[[") and name == "exercise":
                    ordinal += 1
                self.headers.append((no, name, ordinal if name.startswith("exercise") else None))

    def __call__(self, loc: tuple) -> int:
        if not loc:
            return 1
        if loc[0] == "exercise" and len(loc) >= 2:
            block = [(no, name) for no, name, o in self.headers if o == loc[1]]
            if not block:
                return self._first_table_line("exercise")
            start = block[0][0]
            end = self._block_end(start)
            keys = loc[2:]
            if len(keys) >= 2:  # e.g. thresholds.trunk_flexion_limit_deg: its sub-table, or the inline line
                for no, name in block:
                    if name == f"exercise.{keys[0]}":
                        return self._key_line(keys[1], no + 1, self._block_end(no)) or no
            if keys:
                return self._key_line(keys[0], start + 1, end) or start
            return start
        if loc[0] == "progression":
            for no, name, _ in self.headers:
                if name == "progression":
                    return (self._key_line(loc[1], no + 1, self._block_end(no)) if len(loc) > 1 else None) or no
        first_header = self.headers[0][0] if self.headers else len(self.lines) + 1
        return self._key_line(loc[0], 1, first_header) or 1

    def _first_table_line(self, name: str) -> int:
        return next((no for no, n, _ in self.headers if n == name), 1)

    def _block_end(self, start: int) -> int:
        """First line after ``start`` that opens a table not nested in the one at ``start``."""
        for no, name, _ in self.headers:
            if no > start and not name.startswith("exercise."):
                return no
        return len(self.lines) + 1

    def _key_line(self, key: str, start: int, end: int) -> int | None:
        pattern = re.compile(rf"(^|[{{,\s])\"?{re.escape(str(key))}\"?\s*=")
        for no in range(start, min(end, len(self.lines) + 1)):
            line = self.lines[no - 1].split("#", 1)[0]
            if pattern.search(line):
                return no
        return None
