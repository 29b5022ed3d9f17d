"""``coach programme ...`` (the physio's side) and ``coach today`` (the patient's side)."""
from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

from coach.programme import tomlfile
from coach.programme.model import Programme, ProgrammeExercise, from_dict
from coach.programme.progression import accept, suggest
from coach import labels
from coach.progress.wins import load_fortnight, small_wins, this_week
from coach.programme.schedule import due, due_by_routine
from coach.programme.wording import line
from coach.commands.common import add_db_option, with_store
from coach.store.errors import NotFound
from coach.store.paths import write_private

STARTER = ProgrammeExercise("sit-to-stand", sets=2, reps=5, rest_s=90)


def register(subparsers) -> None:
    register_programme(subparsers)
    register_today(subparsers)


def register_programme(subparsers) -> None:
    p = subparsers.add_parser("programme", help="create, show, edit, import or export a patient's programme")
    sub = p.add_subparsers(dest="programme_command", required=True)

    def cmd(name, handler, help_text):
        c = sub.add_parser(name, help=help_text)
        add_db_option(c)
        c.add_argument("patient", help="pseudonymous patient id")
        c.set_defaults(func=handler)
        return c

    c = cmd("create", create, "add a patient and their first programme (refused when they have one)")
    c.add_argument("--age", type=int)
    c.add_argument("--sex", choices=("female", "male", "other"))
    c.add_argument("--condition", help='e.g. "stroke", "parkinsons", "ms"')
    c.add_argument("--affected-side", choices=("left", "right", "both", "none"))
    c.add_argument("--notes", default="")
    c.add_argument("--video-opt-in", action="store_true", help="the patient agreed to keep session videos")
    c.add_argument("--file", help="programme file (TOML); default: a starter programme to edit")
    c.add_argument("--author", default="")
    c = cmd("show", show, "print the programme and any suggestions")
    c.add_argument("--version", type=int)
    cmd("history", history, "list the programme's versions")
    c = cmd("import", import_file, "save a programme file as the new version")
    c.add_argument("file")
    c.add_argument("--author", default="")
    c.add_argument("--note", default="")
    c = cmd("export", export_file, "write the programme as a TOML file (stdout without FILE)")
    c.add_argument("file", nargs="?")
    c.add_argument("--version", type=int)
    c = cmd("ics", export_calendar, "write reminders for the patient's phone or calendar (iCalendar .ics)")
    c.add_argument("--out", help="file to write (default: stdout)")
    c.add_argument("--tz", help="IANA time zone, e.g. Europe/London (default: this computer's)")
    c.add_argument("--start", type=date.fromisoformat, help="first day of reminders, YYYY-MM-DD (default: today)")
    c = cmd("edit", edit, "edit the programme in $EDITOR; saved as a new version when valid")
    c.add_argument("--author", default="")
    c = cmd("set", set_values, "change an exercise, e.g.: set P001 squat reps=12 support=one-hand")
    c.add_argument("exercise")
    c.add_argument("values", nargs="+", metavar="KEY=VALUE")
    c.add_argument("--author", default="")
    c = cmd("remove", remove, "take an exercise out of the programme")
    c.add_argument("exercise")
    cmd("suggest", show_suggestions, "progression/regression suggestions from recent sessions")
    c = cmd("accept", accept_suggestion, "accept the suggestion for one exercise (new version)")
    c.add_argument("exercise")
    c.add_argument("--author", default="")


def register_today(subparsers) -> None:
    p = subparsers.add_parser("today", help="what is due today")
    add_db_option(p)
    p.add_argument("patient", nargs="?", help="patient id (optional when there is only one)")
    p.set_defaults(func=today)


@with_store
def create(args, store) -> int:
    details = {"age": args.age, "sex": args.sex or "", "condition": args.condition or "",
               "affected_side": args.affected_side or "", "notes": args.notes, "video_opt_in": args.video_opt_in}
    programme = (tomlfile.load(args.file, patient_id=args.patient) if args.file
                 else Programme(args.patient, (STARTER,), note="starter programme"))  # file errors before any change
    try:
        store.patient(args.patient)
        existing = store.programme(args.patient)
        if existing is not None:
            print(f"error: patient {args.patient} already has programme version {existing.version}; create would "
                  f"replace it. Change it with 'coach programme import/edit/set {args.patient} ...'", file=sys.stderr)
            return 1
        print(f"Patient {args.patient} exists; adding their first programme.")
    except NotFound:
        store.add_patient(args.patient, **details)
        print(f"Added patient {args.patient}.")
    saved = store.save_programme(Programme(programme.patient_id, programme.exercises, programme.rules,
                                           author=args.author or programme.author, note=programme.note))
    print(f"Saved programme version {saved.version}:\n")
    print(tomlfile.dumps(saved))
    return 0


def _current(store, patient_id: str, version: int | None = None) -> Programme:
    store.patient(patient_id)
    programme = store.programme(patient_id, version)
    if programme is None:
        raise NotFound(f"Patient {patient_id} has no programme" + (f" version {version}" if version else "")
                       + f": create one with 'coach programme create {patient_id}'")
    return programme


def _suggestions(store, programme: Programme):
    records = [store.load_session(s.id) for s in store.sessions(programme.patient_id, since=programme.created_at)]
    return suggest(programme, records)


@with_store
def show(args, store) -> int:
    programme = _current(store, args.patient, args.version)
    print(tomlfile.dumps(programme))
    if args.version is None:
        _print_suggestions(store, programme)
    return 0


def _print_suggestions(store, programme: Programme) -> int:
    found = _suggestions(store, programme)
    if not found:
        print("No suggestions: no exercise has met its progression or regression rule yet.")
    for s in found:
        print(f"SUGGESTION {s.describe(programme.exercise(s.exercise))}")
        if s.change:
            print(f"  accept with: coach programme accept {programme.patient_id} {s.exercise}")
        else:
            print("  no change is suggested: review the prescription (edit it if needed)")
    return len(found)


@with_store
def show_suggestions(args, store) -> int:
    _print_suggestions(store, _current(store, args.patient))
    return 0


@with_store
def history(args, store) -> int:
    versions = store.programme_history(args.patient)
    if not versions:
        print(f"Patient {args.patient} has no programme.")
    for p in versions:
        print(f"v{p.version}  {p.created_at.astimezone():%Y-%m-%d %H:%M}  {p.author or '-':<12} "
              f"{', '.join(f'{e.exercise} {e.sets}x{e.reps}' for e in p.exercises)}  {p.note}")
    return 0


@with_store
def import_file(args, store) -> int:
    programme = tomlfile.load(args.file, patient_id=args.patient)
    saved = store.save_programme(Programme(args.patient, programme.exercises, programme.rules,
                                           author=args.author or programme.author, note=args.note or programme.note))
    print(f"Saved {args.file} as programme version {saved.version} for patient {args.patient}.")
    return 0


@with_store
def export_file(args, store) -> int:
    text = tomlfile.dumps(_current(store, args.patient, args.version))
    if args.file:
        write_private(args.file, text)
        print(f"wrote {args.file}")
    else:
        sys.stdout.write(text)
    return 0


@with_store
def export_calendar(args, store) -> int:
    from coach.programme.calendar import local_zone, to_ics

    programme = _current(store, args.patient)
    tz = args.tz or local_zone()
    try:
        data = to_ics(programme, tz=tz, start=args.start)
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if args.out:
        write_private(args.out, data)
        events = sum(max(len(e.effective_times), 1) for e in programme.exercises)
        print(f"wrote {args.out}: {events} recurring reminder(s) from programme v{programme.version}"
              f" ({tz or 'floating local time'}). Open it on the patient's phone or calendar to add them.")
    else:
        sys.stdout.buffer.write(data)
    return 0


@with_store
def edit(args, store) -> int:
    current = _current(store, args.patient)
    editor = shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "nano")
    fd, name = tempfile.mkstemp(prefix=f"programme-{args.patient}-", suffix=".toml")
    os.close(fd)
    path = Path(name)
    path.write_text(tomlfile.dumps(current), encoding="utf-8")
    while True:
        subprocess.run([*editor, str(path)], check=False)
        try:
            edited = tomlfile.load(path, patient_id=args.patient)
        except tomlfile.ProgrammeFileError as e:
            print(e, file=sys.stderr)
            if input("Edit again? [Y/n] ").strip().lower().startswith("n"):
                print(f"Not saved; your edits are kept in {path}", file=sys.stderr)
                return 1
            continue
        break
    path.unlink()
    if edited.to_dict() == current.to_dict():
        print("No changes.")
        return 0
    saved = store.save_programme(Programme(args.patient, edited.exercises, edited.rules,
                                           author=args.author or edited.author, note=edited.note))
    print(f"Saved programme version {saved.version}.")
    return 0


@with_store
def set_values(args, store) -> int:
    current = _current(store, args.patient)
    data = current.to_dict()
    item = next((e for e in data["exercise"] if e["name"] == args.exercise), None)
    if item is None:
        item = {"name": args.exercise}
        data["exercise"].append(item)
    for pair in args.values:
        key, sep, raw = pair.partition("=")
        if not sep:
            print(f"error: expected KEY=VALUE, got {pair!r}", file=sys.stderr)
            return 2
        target, _, sub = key.partition(".")  # thresholds.trunk_flexion_limit_deg=55
        if sub:
            item.setdefault(target, {})[sub] = _value(raw)
        else:
            item[key] = _value(raw)
            other = {"tempo_s": "tempo_per_min", "tempo_per_min": "tempo_s"}.get(key)
            if other and other not in {p.partition("=")[0] for p in args.values}:
                item.pop(other, None)  # a new tempo replaces the old one, whichever form it was in
    updated = from_dict(data, patient_id=args.patient, source="coach programme set")
    saved = store.save_programme(Programme(args.patient, updated.exercises, updated.rules, author=args.author,
                                           note=f"set {args.exercise}: {' '.join(args.values)}"))
    print(f"Saved programme version {saved.version}.")
    return 0


def _value(raw: str):
    """A TOML value (number, list, true/false, quoted string), else the raw text as a string."""
    try:
        return tomlfile.tomllib.loads(f"v = {raw}")["v"]
    except tomlfile.tomllib.TOMLDecodeError:
        return raw


@with_store
def remove(args, store) -> int:
    current = _current(store, args.patient)
    if current.exercise(args.exercise) is None:
        print(f"error: {args.exercise} is not in the programme", file=sys.stderr)
        return 1
    kept = tuple(e for e in current.exercises if e.exercise != args.exercise)
    if not kept:
        print(f"error: {args.exercise} is the programme's only exercise; a programme needs at least one. "
              f"Add the next exercise first ('coach programme set {args.patient} EXERCISE sets=...').", file=sys.stderr)
        return 1
    saved = store.save_programme(Programme(args.patient, kept, current.rules, note=f"removed {args.exercise}"))
    print(f"Saved programme version {saved.version}.")
    return 0


@with_store
def accept_suggestion(args, store) -> int:
    current = _current(store, args.patient)
    found = [s for s in _suggestions(store, current) if s.exercise == args.exercise and s.change]
    if not found:
        print(f"error: no suggestion for {args.exercise} now (see 'coach programme suggest {args.patient}')",
              file=sys.stderr)
        return 1
    saved = store.save_programme(accept(current, found[0], author=args.author))
    print(f"Saved programme version {saved.version}: {saved.note}")
    return 0


@with_store
def today(args, store) -> int:
    patient_id = args.patient
    if patient_id is None:
        patients = store.patients()
        if len(patients) != 1:
            print("error: name the patient: " + (", ".join(p.id for p in patients) or "none recorded"),
                  file=sys.stderr)
            return 2
        patient_id = patients[0].id
    programme = _current(store, patient_id)
    day = date.today()
    sessions = store.sessions(patient_id)
    items = due(programme, sessions, day)
    print(f"Today ({day:%A %d %B}), patient {patient_id}, programme v{programme.version}:")
    for group in due_by_routine(programme, sessions, day):
        print(f"\n{group.heading}:" + ("  [done]" if group.done else ""))
        for slot in group.slots:
            status = ("done" if slot.done else f"{slot.sets_left} set(s) to do"
                      + (f", {slot.sets_done} done" if slot.sets_done else ""))
            print(f"  [{'x' if slot.done else ' '}] {line(slot.item)} - {status}")
    resting = [d for d in items if not d.due_today]
    if resting:
        print("\nNot today: " + ", ".join(f"{labels.exercise(d.item.exercise)} (on {' '.join(d.item.days)})"
                                         for d in resting))
    left = sum(d.sets_left for d in items)
    print("\n" + ("All done for today. Well done!" if left == 0 else f"{left} set(s) still to do."))
    print("\nThis week:")
    for sentence in small_wins(*load_fortnight(store, patient_id, day), day, this_week(store, patient_id, day)):
        print(f"  * {sentence}")
    return 0
