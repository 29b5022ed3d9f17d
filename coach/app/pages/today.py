"""Patient: today's programme, one big "Start" per exercise, then live coaching on the same page."""
from __future__ import annotations

import html
from datetime import date

import streamlit as st

from coach.app import ui
from coach.app.live_factory import LivePlan
from coach.app.pages import live
from exercises import EXERCISE_NAMES

PLAN_KEY = "live_plan"


def render() -> None:
    patient = ui.home_patient()
    plan = st.session_state.get(PLAN_KEY)
    if plan is not None:
        live.render(plan, patient)
        return
    ui.title("Today's exercises")
    st.markdown(f"<p class='coach-big'>{date.today():%A %d %B}</p>", unsafe_allow_html=True)
    programme = ui.store().programme(patient) if patient else None
    if programme is None:
        _practice(patient)
        return
    from coach.programme.schedule import due

    items = due(programme, ui.store().sessions(patient), date.today())
    left = sum(d.sets_left for d in items)
    if left == 0:
        st.success("All done for today. Well done!")
    for d in items:
        _card(d, programme.version)


def _card(d, programme_version: int | None) -> None:
    e = d.item
    status = ("Rest day" if not d.due_today else "Done today - well done!" if d.sets_left == 0
              else f"{d.sets_left} set{'s' if d.sets_left != 1 else ''} to do")
    detail = f"{e.sets} set{'s' if e.sets != 1 else ''} of {e.reps}" + (f", {e.side} side" if e.side in ("left", "right") else "")
    with st.container():
        st.markdown(f"<div class='coach-card'><h3>{html.escape(ui.exercise_label(e.exercise))}</h3>"
                    f"<div class='coach-big'>{html.escape(detail)}</div><div>{html.escape(status)}</div>"
                    + (f"<div>{html.escape(e.notes)}</div>" if e.notes else "") + "</div>",
                   unsafe_allow_html=True)
        label = "Start" if d.sets_left else "Do it again"
        if st.button(f"{label}: {ui.exercise_label(e.exercise)}", key=f"start_{e.exercise}", type="primary",
                     width="stretch"):
            start(LivePlan(e.exercise, e.side, max(d.sets_left, 1) if d.due_today else e.sets, e.reps,
                           e.rest_s, programme_version))


def _practice(patient: str | None) -> None:
    if patient is None:
        st.info(ui.not_set_up_note() + " You can still practise here.")
    else:
        st.info("You have no programme yet. You can still practise here.")
    exercise = st.selectbox("Exercise", EXERCISE_NAMES, format_func=ui.exercise_label, key="practice_exercise")
    reps = st.number_input("Repetitions", min_value=1, max_value=30, value=10, key="practice_reps")
    if st.button("Start", type="primary", width="stretch", key="practice_start"):
        start(LivePlan(exercise, "both", 1, int(reps), 60.0))


def start(plan: LivePlan) -> None:
    st.session_state[PLAN_KEY] = plan
    st.rerun()
