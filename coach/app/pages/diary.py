"""Patient: "My diary": how today went in a few taps (tiredness, pain, falls, near-falls, freezing)
and a note. One entry per day; saving again changes today's entry. The last week is shown below,
so the patient sees what their physiotherapist will see."""
from __future__ import annotations

import html
from datetime import date, timedelta

import streamlit as st

from coach.app import clinic_view, ui
from coach.app.user_text import plain
from coach.store.diary import SCALE_MAX, DiaryEntry

SAVED_KEY = "diary_saved_day"
STYLE = """<style>
.coach-question { font-size:1.6rem; font-weight:800; margin:1.1rem 0 0.2rem 0; }
.coach-hint { font-size:1.15rem; color:#333; margin:0 0 0.3rem 0; }
/* the 0-10 taps and the counts: large targets for tired or shaky hands */
.st-key-diary_form [data-testid="stButtonGroup"] button { min-height:3.2rem; min-width:3.2rem; }
.st-key-diary_form [data-testid="stButtonGroup"] button p { font-size:1.35rem; font-weight:700; }
/* the chosen number: dark, unmistakable */
.st-key-diary_form [data-testid="stButtonGroup"] button[aria-checked="true"] { background:#0b3d91; border-color:#0b3d91; }
.st-key-diary_form [data-testid="stButtonGroup"] button[aria-checked="true"] p { color:#fff; }
.st-key-diary_form [data-testid="stNumberInputContainer"] { min-height:3.4rem; }
.st-key-diary_form [data-testid="stNumberInputContainer"] input { font-size:1.6rem; font-weight:700; }
.st-key-diary_form [data-testid="stNumberInputStepDown"], .st-key-diary_form [data-testid="stNumberInputStepUp"] {
  min-width:3rem; height:100%; }
.st-key-diary_form [data-testid="stNumberInputStepDown"] svg, .st-key-diary_form [data-testid="stNumberInputStepUp"] svg {
  width:1.6rem; height:1.6rem; }
.st-key-diary_form [data-testid="stWidgetLabel"] p { font-size:1.35rem; font-weight:700; }
.st-key-diary_form textarea { font-size:1.3rem; }
/* a tablet (800 px): the eleven 0-10 taps stay on one line */
@media (max-width: 1000px) {
  .st-key-diary_form [data-testid="stButtonGroup"] button { min-width:2.3rem; padding:0 0.3rem; }
  .st-key-diary_form [data-testid="stButtonGroup"] button p { font-size:1.15rem; }
}
</style>"""
SCALE = list(range(SCALE_MAX + 1))
COUNTS = (("falls", "Falls", "You ended up on the floor or a low surface"),
          ("near_falls", "Near-falls", "You nearly fell but caught yourself"),
          ("freezing", "Freezing episodes", "Your feet felt stuck to the floor"))


def render() -> None:
    ui.title("My diary")
    patient = ui.home_patient()
    if patient is None:
        st.info(ui.not_set_up_note())
        return
    st.markdown(STYLE, unsafe_allow_html=True)
    store = ui.store()
    today = date.today()
    with st.container(key="diary_form"):
        # most days "today"; a diary forgotten last night can be written the next morning
        which = st.segmented_control("Which day?", ("Today", "Yesterday"), default="Today", key="diary_which",
                                     label_visibility="collapsed") or "Today"
        day = today if which == "Today" else today - timedelta(days=1)
        word = which.lower()
        current = store.diary_entry(patient, day)
        st.markdown(f"<p class='coach-big'>How was {word}, {day:%A %d %B}?</p>", unsafe_allow_html=True)
        if current is not None:
            st.caption(f"You already wrote {word}'s diary: change anything and save again.")
            if st.session_state.get(SAVED_KEY) != day.isoformat():
                clinic_view.show_delivery(patient, "diary", day.isoformat())
        entry = _form(patient, day, current, word)
        if st.button(f"Save {word}'s diary", type="primary", width="stretch", key="diary_save"):
            try:
                store.save_diary_entry(entry)
            except Exception as exc:  # noqa: BLE001 - say what went wrong, keep what was typed
                st.error(f"The diary could not be saved: {plain(exc)}")
            else:
                st.session_state[SAVED_KEY] = day.isoformat()
                clinic_view.sync_now()  # a paired laptop sends it now (honest words below until it went)
                st.rerun()
    if st.session_state.get(SAVED_KEY) == day.isoformat():
        st.success("Saved. Thank you.", icon=":material/check_circle:")
        clinic_view.show_delivery(patient, "diary", day.isoformat())
        _after_a_fall(current)
    _last_week(store.diary_entries(patient, today - timedelta(days=6), today))


def _after_a_fall(entry: DiaryEntry | None) -> None:
    """A fall saved: who to call and when to get help (the physio's wording: ``coach.app.fall_advice``)."""
    from coach.app import fall_advice

    if entry is None:
        return
    if entry.falls:
        st.markdown(fall_advice.html_block(fall_advice.advice(ui.settings().data_dir)), unsafe_allow_html=True)
    elif entry.near_falls:
        st.info(fall_advice.NEAR_FALL)


def _form(patient: str, today: date, current: DiaryEntry | None, word: str = "today") -> DiaryEntry:
    """The day's answers as a ``DiaryEntry`` (what is on screen now)."""
    verb = "are you" if word == "today" else "were you"
    st.markdown(f"<div class='coach-question'>How tired {verb} {word}?</div>"
                "<div class='coach-hint'>0 = not tired at all, 10 = exhausted</div>", unsafe_allow_html=True)
    fatigue = st.segmented_control("Tiredness (0 to 10)", SCALE, default=current.fatigue if current else None,
                                   key=f"diary_fatigue_{today}", label_visibility="collapsed")
    st.markdown(f"<div class='coach-question'>How much pain {word}?</div>"
                "<div class='coach-hint'>0 = no pain, 10 = the worst pain you can imagine</div>", unsafe_allow_html=True)
    pain = st.segmented_control("Pain (0 to 10)", SCALE, default=current.pain if current else None,
                                key=f"diary_pain_{today}", label_visibility="collapsed")
    since = "Since yesterday" if word == "today" else "Yesterday"
    st.markdown(f"<div class='coach-question'>{since}, how many...</div>", unsafe_allow_html=True)
    counts = {}
    for col, (name, label, hint) in zip(st.columns(3), COUNTS):
        counts[name] = int(col.number_input(label, min_value=0, max_value=99, step=1,
                                            value=getattr(current, name) if current else 0,
                                            key=f"diary_{name}_{today}", help=hint))
        col.caption(hint)
    note = st.text_area("Anything else for your physiotherapist? (optional)", value=current.note if current else "",
                        max_chars=2000, key=f"diary_note_{today}", placeholder="For example: froze at the kitchen door")
    return DiaryEntry(patient, today, fatigue, pain, counts["falls"], counts["near_falls"], counts["freezing"], note)


def _last_week(entries: list[DiaryEntry]) -> None:
    if not entries:
        return
    st.subheader("The last 7 days")
    rows = []
    for e in reversed(entries):
        scale = lambda v: "–" if v is None else f"{v}/10"  # noqa: E731
        rows.append(f"<tr><td style='white-space:nowrap'>{e.day:%a %d %b}</td><td>{scale(e.fatigue)}</td><td>{scale(e.pain)}</td>"
                    f"<td>{e.falls}</td><td>{e.near_falls}</td><td>{e.freezing}</td>"
                    f"<td>{html.escape(e.note)}</td></tr>")
    st.markdown("<div style='overflow-x:auto'><table data-testid='diary-week' style='font-size:1.2rem;width:100%'>"
                "<tr><th>Day</th><th>Tired</th><th>Pain</th><th>Falls</th><th>Near-falls</th><th>Freezing</th>"
                "<th>Note</th></tr>" + "".join(rows) + "</table></div>", unsafe_allow_html=True)
