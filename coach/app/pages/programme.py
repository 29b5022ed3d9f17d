"""Physio: the patient's programme as an editable table (saved as a new version, validated by
``coach.programme``), its history, and the progression suggestions with an Accept button."""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from coach.app import ui
from coach.app.user_text import plain
from coach.programme.model import EXERCISES, SIDES, SUPPORT_LEVELS, WEEKDAYS, ProgrammeError, from_dict
from coach.programme.routines import ROUTINES

# What the physio sets most often first: the table is wider than the page and scrolls sideways.
COLUMNS = ("exercise", "sets", "reps", "hold_s", "tempo_s", "routine", "times", "days", "rest_s", "side", "support",
           "variant", "notes")
# "40/min", "40 per minute", "40 a minute": reps a minute; anything else is seconds per rep ("4", "4 s").
PER_MIN = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/|per|a)\s*min(?:ute)?\s*$", re.IGNORECASE)
SECONDS = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:s|sec|secs|seconds?)?\s*$", re.IGNORECASE)


def render() -> None:
    ui.title("Programme")
    patient = ui.pick_patient(ui.PHYSIO_PATIENT_KEY, "Patient")
    if patient is None:
        st.info("No patients yet: add one on the Patients page.")
        return
    store = ui.store()
    current = store.programme(patient)
    if current is not None:
        st.caption(f"Version {current.version}" + (f" by {plain(current.author)}" if current.author else "")
                   + (f": {plain(current.note)}" if current.note else ""))
        _suggestions(store, current)
    else:
        st.info("No programme yet: fill in the table and save.")
    _editor(store, patient, current)
    if current is not None:
        _patient_day(current)
    history = store.programme_history(patient)
    if len(history) > 1:
        with st.expander("Earlier versions"):
            for p in reversed(history):
                st.markdown(f"- v{p.version} {p.created_at:%Y-%m-%d} {plain(p.author)} {plain(p.note)}: "
                            + plain(", ".join(f"{e.exercise} {e.sets}x{e.reps}" for e in p.exercises)))


def table(programme) -> pd.DataFrame:
    rows = []
    for e in (programme.exercises if programme else ()):
        rows.append({"exercise": e.exercise, "sets": e.sets, "reps": e.reps, "rest_s": e.rest_s, "side": e.side,
                     "tempo_s": tempo_cell(e), "hold_s": "" if e.hold_s is None else f"{e.hold_s:g}", "variant": e.variant, "support": e.support,
                     "days": " ".join(e.days), "routine": e.routine, "times": " ".join(e.times), "notes": e.notes})
    if not rows:
        rows.append({**DEFAULTS, "exercise": "sit-to-stand"})
    df = pd.DataFrame(rows, columns=COLUMNS)
    return df


def tempo_cell(e) -> str:
    """The tempo as the physio wrote it: "4" (seconds per rep), "40/min", or blank (own pace)."""
    if e.tempo_per_min is not None:
        return f"{e.tempo_per_min:g}/min"
    return "" if e.tempo_s is None else f"{e.tempo_s:g}"


def tempo_values(cell) -> dict:
    """{"tempo_s": 4.0} or {"tempo_per_min": 40.0} from a cell; {} when blank; an unreadable cell is
    passed on as text so the programme check names it."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return {} if pd.isna(cell) else {"tempo_s": float(cell)}
    if not isinstance(cell, str) or not cell.strip():
        return {}
    if m := PER_MIN.match(cell):
        return {"tempo_per_min": float(m.group(1).replace(",", "."))}
    if m := SECONDS.match(cell):
        return {"tempo_s": float(m.group(1).replace(",", "."))}
    return {"tempo_s": cell.strip()}


def _number_cell(cell):
    """A number from a text cell ("20", "12,5"); None when blank; unreadable text passed on for the check to name."""
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return None if pd.isna(cell) else float(cell)
    if not isinstance(cell, str) or not cell.strip():
        return None
    try:
        return float(cell.strip().rstrip("s").strip().replace(",", "."))
    except ValueError:
        return cell.strip()


# What a new row starts with (shown in the row, not applied silently on save).
DEFAULTS = {"sets": 2, "reps": 10, "rest_s": 60.0, "side": "auto" if "auto" in SIDES else SIDES[0],
            "tempo_s": "", "hold_s": "", "variant": "", "support": "none", "days": " ".join(WEEKDAYS),
            "routine": "", "times": "", "notes": ""}


def dropped_rows(df: pd.DataFrame) -> list[str]:
    """Rows the save leaves out (no exercise chosen), named for the physio."""
    return [f"row {i + 1}" for i, (_, row) in enumerate(df.iterrows())
            if not isinstance(row["exercise"], str) or not row["exercise"]]


def same_exercises(a, b) -> bool:
    """True when two programmes prescribe the same thing (who and why aside)."""
    if a is None or b is None:
        return False
    return a.to_dict().get("exercise") == b.to_dict().get("exercise")


def programme_from_table(df: pd.DataFrame, patient: str, author: str, note: str, current=None):
    """Validate the edited table; raises ``ProgrammeError`` listing every problem."""
    items = []
    for _, row in df.iterrows():
        if not isinstance(row["exercise"], str) or not row["exercise"]:
            continue
        item = {"name": row["exercise"]}
        for col in ("sets", "reps"):
            if not pd.isna(row[col]):
                item[col] = int(row[col])
        if not pd.isna(row["rest_s"]):
            item["rest_s"] = float(row["rest_s"])
        item.update(tempo_values(row["tempo_s"]))
        if (hold := _number_cell(row["hold_s"])) is not None:
            item["hold_s"] = hold
        if isinstance(row["times"], str) and row["times"].strip():
            item["times"] = row["times"].replace(",", " ").split()
        for col in ("side", "variant", "support", "routine", "notes"):
            if isinstance(row[col], str) and row[col]:
                item[col] = row[col]
        if isinstance(row["days"], str) and row["days"].strip():
            item["days"] = row["days"].replace(",", " ").split()
        if current is not None and (old := current.exercise(row["exercise"])) is not None:
            if old.targets:
                item["targets"] = dict(old.targets)
            if old.thresholds:
                item["thresholds"] = dict(old.thresholds)
        items.append(item)
    data = {"patient": patient, "exercise": items, "author": author, "note": note}
    if current is not None:
        data["progression"] = current.to_dict()["progression"]
    return from_dict(data, patient_id=patient, source="programme table")


def _editor(store, patient: str, current) -> None:
    st.subheader("Exercises")
    if msg := st.session_state.pop("programme_saved_note", None):
        st.success(plain(msg))  # it names who saved it, as typed
    edited = st.data_editor(
        table(current), num_rows="dynamic", hide_index=True, key=f"programme_editor_{patient}",
        column_config={
            "exercise": st.column_config.SelectboxColumn("Exercise", options=list(EXERCISES), required=True,
                                                         format_func=ui.exercise_label),
            "sets": st.column_config.NumberColumn("Sets", width="small", min_value=1, max_value=10, step=1, default=DEFAULTS["sets"]),
            "reps": st.column_config.NumberColumn("Reps", width="small", min_value=1, max_value=100, step=1, default=DEFAULTS["reps"]),
            "rest_s": st.column_config.NumberColumn("Rest (s)", min_value=0, max_value=600, default=DEFAULTS["rest_s"]),
            "side": st.column_config.SelectboxColumn("Side", options=list(SIDES), default=DEFAULTS["side"],
                                                     format_func=lambda v: {"auto": "Auto"}.get(v, v.capitalize())),
            "tempo_s": st.column_config.TextColumn(
                "Tempo (4 or 40/min)", default="",
                help="The metronome: seconds per rep (4) or reps a minute (40/min). Blank: the patient's own pace."),
            "hold_s": st.column_config.TextColumn("Hold (s)", default="",
                                                  help="Target seconds of each hold (balance holds only)."),
            "variant": st.column_config.TextColumn("Variant"),
            "support": st.column_config.SelectboxColumn("Support", options=list(SUPPORT_LEVELS),
                                                        default=DEFAULTS["support"]),
            "days": st.column_config.TextColumn("Days (mon tue ...)", default=DEFAULTS["days"]),
            "routine": st.column_config.TextColumn(
                "Routine", help="When in the day, in the patient's words, e.g. " + "; ".join(r.text for r in ROUTINES)),
            "times": st.column_config.TextColumn(
                "Times (08:00 18:30)", help="Times of day, 24-hour, separated by spaces. Blank: the routine's usual times."),
            "notes": st.column_config.TextColumn("Notes for the patient"),
        })
    st.caption("Routines with usual times (used when Times is blank): "
               + "; ".join(f"{r.text} ({', '.join(r.times)})" for r in ROUTINES if r.times)
               + ". Any other words work too; give them times for reminders.")
    c1, c2 = st.columns(2)
    author = c1.text_input("Your name or initials", key="programme_author")
    note = c2.text_input("Reason for the change", key="programme_note")
    if st.button("Save as a new version", type="primary", key="programme_save"):
        try:
            programme = programme_from_table(edited, patient, author, note, current)
        except ProgrammeError as exc:
            st.error("The programme was not saved:\n\n" + "\n".join(f"- {plain(m)}" for m in str(exc).splitlines()))
            return
        if same_exercises(programme, current):
            st.info("Nothing changed, so no new version was saved.")
            return
        dropped = dropped_rows(edited)
        removed = [e.exercise for e in (current.exercises if current else ()) if programme.exercise(e.exercise) is None]
        saved = store.save_programme(programme)
        _audit(patient, saved)
        st.session_state["programme_saved_note"] = (
            f"Saved version {saved.version}."
            + (f" Left out (no exercise chosen): {', '.join(dropped)}." if dropped else "")
            + (f" Removed from the programme: {', '.join(ui.exercise_label(r) for r in removed)}." if removed else ""))
        st.rerun()


def _audit(patient: str, saved) -> None:
    from coach.app import clinic_view

    clinic_view.audit("change", patient, f"programme v{saved.version}", saved.note or "")


def day_plan(programme) -> list[tuple[str, list[str]]]:
    """(occasion, its exercises in words) for every occasion of the programme, in the order of a day,
    as the patient's Today page and phone reminders will have them (every weekday counted)."""
    from coach.programme.routines import occasion
    from coach.programme.wording import line

    slots: dict[tuple, list[str]] = {}
    for e in programme.exercises:
        days = "" if len(e.days) == 7 else f" ({' '.join(e.days)})"
        for at in e.effective_times or (None,):
            slots.setdefault((at is None, at or "", occasion(e.routine, at, e.times)), []).append(line(e) + days)
    return [(heading, lines) for (_, _, heading), lines in sorted(slots.items())]


def _patient_day(programme) -> None:
    from coach.programme.calendar import ANYTIME_AT, local_zone, to_ics

    st.subheader("The patient's day")
    st.caption("How the saved programme reads on the patient's Today page and in their phone reminders.")
    for heading, lines in day_plan(programme):
        st.markdown(f"**{plain(heading)}**\n" + "".join(f"\n- {plain(x)}" for x in lines))
    if any(not e.effective_times for e in programme.exercises):
        st.caption(f"Exercises with no time of day get their phone reminder at {ANYTIME_AT}.")
    st.download_button("Download the reminders (.ics)", data=to_ics(programme, tz=local_zone()),
                       file_name="exercise-reminders.ics", mime="text/calendar", key="programme_ics")


SUGGESTION_WORDS = {"progress": "Progress", "regress": "Make easier", "review": "Review"}


def _suggestions(store, current) -> None:
    from coach.programme.progression import accept, suggest

    records = [store.load_session(s.id) for s in store.sessions(current.patient_id)]
    found = suggest(current, records)
    st.subheader("Suggestions")
    if not found:
        st.caption("No change suggested from the recent sessions.")
        return
    for i, s in enumerate(found):
        item = current.exercise(s.exercise)
        box = st.container(border=True)
        box.markdown(f"**{SUGGESTION_WORDS.get(s.kind, s.kind)}**: {s.describe(item)}")
        if not s.change:  # a review (a safety event): the physio decides, there is nothing to accept
            continue
        key = f"accept_{i}_{s.exercise}"
        if st.session_state.get("programme_confirm") != key:
            if box.button("Accept", key=key):
                st.session_state["programme_confirm"] = key
                st.rerun()
            continue
        box.warning("This saves a new programme version for the patient. Accept it?")
        who = box.text_input("Your name or initials", key=f"{key}_who",
                             value=st.session_state.get("programme_author", ""))
        c1, c2 = box.columns(2)
        if c1.button("Yes, save it", key=f"{key}_yes", type="primary"):
            if not who.strip():
                box.error("Please give your name or initials: the record says who accepted it.")
                return
            saved = store.save_programme(accept(current, s, author=who.strip()))
            _audit(current.patient_id, saved)
            st.session_state.pop("programme_confirm", None)
            st.session_state["programme_saved_note"] = f"Saved version {saved.version}, accepted by {who.strip()}."
            st.rerun()
        if c2.button("Cancel", key=f"{key}_no"):
            st.session_state.pop("programme_confirm", None)
            st.rerun()
