"""Patient: today's programme by routine and time of day, one big "Start" per exercise, then live
coaching on the same page; this week's small wins, and the reminders for the patient's phone."""
from __future__ import annotations

import html
from datetime import date, datetime

import streamlit as st

from coach.app import ui
from coach.app.pages import live
from coach.live.factory import LiveOptions
from exercises import EXERCISE_NAMES, get_spec

PLAN_KEY = "live_plan"
ICS_NAME = "my-exercises.ics"

# Page-local look: a heading per occasion, a tick on what is done, a calm box for the week's wins.
STYLE = """<style>
.coach-occasion { font-size:2.1rem; font-weight:800; margin:1.6rem 0 0.5rem 0; padding-bottom:0.2rem;
                  border-bottom:4px solid #1b5e9f; }
.coach-card .coach-note { font-size:1.2rem; margin-top:0.3rem; }
.coach-card.coach-done { border-color:#1b7f3b; background:#eef8f0; }
.coach-card .coach-status { font-size:1.3rem; font-weight:700; }
.coach-card.coach-done .coach-status { color:#1b7f3b; }
.coach-later { font-size:1.2rem; color:#444; margin:-0.2rem 0 0.8rem 0.2rem; }
.coach-steps li { font-size:1.3rem; line-height:1.5; margin-bottom:0.3rem; }
.coach-mark { display:inline-block; font-size:1.3rem; font-weight:800; padding:0.15rem 0.7rem;
              border-radius:10px; margin-left:0.6rem; vertical-align:middle; color:#fff; background:#555; }
.coach-mark.now { background:#1b7a1b; } .coach-mark.missed { background:#b35900; }
.coach-mark.next { background:#0b3d91; } .coach-mark.done { background:#1b7f3b; }
.coach-when { font-size:1.3rem; font-weight:700; margin:0 0 0.6rem 0.2rem; }
.coach-now { font-size:1.8rem; font-weight:800; border:4px solid #1b7a1b; border-radius:16px;
             padding:0.5rem 1rem; margin:0.4rem 0 0.8rem 0; background:#eef8f0; }
.coach-reminders li { font-size:1.3rem; }
.coach-wins { border:3px solid #1b5e9f; border-radius:16px; padding:0.6rem 1.2rem; background:#f0f6fc; }
.coach-wins ul { padding-left:1.4rem; margin:0; }
.coach-wins li { font-size:1.35rem; margin:0.3rem 0; }
div[data-testid='stButton'] button, div[data-testid='stDownloadButton'] button { min-height:3.4rem; }
div[data-testid='stButton'] button p, div[data-testid='stDownloadButton'] button p { font-size:1.4rem; font-weight:700; }
</style>"""


def render() -> None:
    patient = ui.home_patient()
    plan = st.session_state.get(PLAN_KEY)
    if plan is not None:
        live.render(plan, patient)
        return
    from coach.app import today_clock

    clock = today_clock.now()
    ui.title("Today's exercises")
    st.markdown(f"<p class='coach-big'>{clock:%A %d %B}</p>", unsafe_allow_html=True)
    programme = ui.store().programme(patient) if patient else None
    if programme is None:
        _practice(patient)
        return
    from coach.programme.schedule import due, due_by_routine

    st.markdown(STYLE, unsafe_allow_html=True)
    today = clock.date()
    sessions = ui.store().sessions(patient)
    items = due(programme, sessions, today)
    groups = due_by_routine(programme, sessions, today)
    if sum(d.sets_left for d in items) == 0:
        st.success("All done for today. Well done!")
    _day(groups, programme.version, clock)
    resting = [d.item for d in items if not d.due_today]
    if resting:
        st.markdown("<div class='coach-occasion'>Not today (rest day)</div>", unsafe_allow_html=True)
        for e in resting:
            _rest_card(e, programme.version)
    _wins(patient, today)
    _reminders(programme)


def _day(groups, programme_version: int | None, clock: datetime) -> None:
    """Each occasion marked by the clock (``coach.app.today_clock``: due now first, then missed, any
    time, next, later, done); an exercise's "Start" sits at its first card on the page not yet done
    (due now before missed: one button per exercise, fewer choices), "Do it again" at its last card
    once all are done; its other cards point up to it."""
    from coach.app import today_clock

    marked = today_clock.mark_groups(groups, clock)
    st.markdown(f"<div class='coach-now' data-testid='today-now'>"
                f"{html.escape(today_clock.headline(marked, clock))}</div>", unsafe_allow_html=True)
    by_exercise: dict[str, list] = {}
    for m in marked:  # the page's order: the button goes where the patient looks first
        for s in m.group.slots:
            by_exercise.setdefault(s.item.exercise, []).append(s)
    button_on = {name: next((s for s in slots if not s.done), slots[-1]) for name, slots in by_exercise.items()}
    for m in marked:
        g = m.group
        badge = "" if m.badge == g.heading else f"<span class='coach-mark {m.mark}'>{html.escape(m.badge)}</span>"
        st.markdown(f"<div class='coach-occasion' data-testid='today-occasion' data-mark='{m.mark}'>"
                    f"{html.escape(g.heading)}{badge}</div>"
                    f"<div class='coach-when'>{html.escape(m.words)}</div>", unsafe_allow_html=True)
        for s in g.slots:
            _card(s, button_on[s.item.exercise] is s, programme_version)


def _card(slot, has_button: bool, programme_version: int | None) -> None:
    from coach.programme.wording import SUPPORT_WORDS

    e = slot.item
    if slot.done:
        status = "Done - well done! ✓"
    else:
        status = f"{slot.sets_left} set{'s' if slot.sets_left != 1 else ''} to do"
        if slot.sets_done:
            status += f" ({slot.sets_done} done)"
    extras = [f"{e.side} side" if e.side in ("left", "right") else "", SUPPORT_WORDS.get(e.support, ""),
              f"metronome: {e.tempo_text}" if e.tempo else ""]
    detail = _amount(e) + "".join(f", {x}" for x in extras if x)
    st.markdown(f"<div class='coach-card{' coach-done' if slot.done else ''}'>"
                f"<h3>{html.escape(ui.exercise_label(e.exercise))}</h3>"
                f"<div class='coach-big'>{html.escape(detail)}</div>"
                f"<div class='coach-status'>{html.escape(status)}</div>"
                + (f"<div class='coach-note'>{html.escape(e.notes)}</div>" if e.notes else "")
                + ("<div class='coach-note' data-testid='today-spotting'><b>Have someone stand beside you for this "
                   "one.</b></div>" if get_spec(e.exercise).needs_spotting else "") + "</div>",
                unsafe_allow_html=True)
    if has_button:  # once per exercise, where its Start is (its other cards point up to it)
        read_aloud(e.exercise, f"{ui.exercise_label(e.exercise)}. {detail}. {status}.")
        show_how(e.exercise)
    if not has_button:
        if not slot.done:
            st.markdown("<div class='coach-later'>Start it with its button above.</div>", unsafe_allow_html=True)
        return
    label = "Do it again" if slot.done else "Start"
    if st.button(f"{label}: {ui.exercise_label(e.exercise)}", key=f"start_{e.exercise}", type="primary",
                 width="stretch"):
        start(LiveOptions(e.exercise, side=e.side, sets=slot.sets_left or e.sets, reps=e.reps, rest_s=e.rest_s,
                          programme_version=programme_version))


@st.cache_resource(show_spinner=False)
def _speaker(voice: str):
    from coach.live.speech import make_speaker

    return make_speaker(voice)  # espeak-ng on this computer, as the live cues: offline


def read_aloud(exercise: str, card: str) -> None:
    """'Read it to me': the card and how the exercise is done, spoken on this computer."""
    if st.button("🔊 Read it to me", key=f"read_{exercise}"):
        from coach.app import demos

        _speaker(ui.settings().voice).say(card + " How to do it: " + " ".join(demos.steps(exercise)))


def show_how(exercise: str) -> None:
    """'How to do it': the spec's plain-words steps, and on request a clip our own generator renders
    from the spec (made once, a few seconds, then kept)."""
    from coach.app import demos
    from coach.store.paths import data_dir

    with st.expander(f"How to do it: {ui.exercise_label(exercise)}"):
        st.markdown("<ol class='coach-steps' data-testid='demo-steps'>"
                    + "".join(f"<li>{html.escape(step)}</li>" for step in demos.steps(exercise)) + "</ol>",
                    unsafe_allow_html=True)
        key = f"demo_{exercise}"
        if not st.session_state.get(key):
            st.button("Show me", key=f"show_{exercise}", width="stretch",
                      on_click=lambda: st.session_state.update({key: True}))  # set before the rerun
        else:
            with st.spinner("Drawing the demonstration..."):
                path = demos.demo_video(exercise, data_dir() / "demos")
            st.video(str(path), loop=True, autoplay=True, muted=True)


def _rest_card(e, programme_version: int | None) -> None:
    """An exercise whose day it is not: said plainly, and still there for a patient who wants it."""
    st.markdown(f"<div class='coach-card'><h3>{html.escape(ui.exercise_label(e.exercise))}</h3>"
                f"<div class='coach-status'>Rest day. Your days: {html.escape(_days(e.days))}</div></div>",
                unsafe_allow_html=True)
    show_how(e.exercise)
    if st.button(f"Start: {ui.exercise_label(e.exercise)}", key=f"start_{e.exercise}", width="stretch"):
        start(LiveOptions(e.exercise, side=e.side, sets=e.sets, reps=e.reps, rest_s=e.rest_s,
                          programme_version=programme_version))


def _amount(e) -> str:
    sets = f"{e.sets} set{'s' if e.sets != 1 else ''} of "
    if e.is_hold:
        holds = f"{e.reps} hold{'s' if e.reps != 1 else ''}"
        return (sets if e.sets > 1 else "") + holds + (f", {e.hold_s:g} seconds each" if e.hold_s else "")
    return sets + f"{e.reps}"


def _days(days) -> str:
    names = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday", "fri": "Friday",
             "sat": "Saturday", "sun": "Sunday"}
    return ", ".join(names[d] for d in days)


def _wins(patient: str, today: date) -> None:
    from coach.progress.wins import load_fortnight, small_wins, this_week

    wins = small_wins(*load_fortnight(ui.store(), patient, today), today, this_week(ui.store(), patient, today))
    st.markdown("<div class='coach-occasion'>Your week</div><div class='coach-wins'><ul>"
                + "".join(f"<li>{html.escape(w)}</li>" for w in wins) + "</ul></div>", unsafe_allow_html=True)


def _reminders(programme) -> None:
    from coach.app.today_clock import reminder_times
    from coach.programme.calendar import local_zone, to_ics

    st.markdown("<div class='coach-occasion'>Reminders on your phone</div>", unsafe_allow_html=True)
    st.markdown("<div class='coach-later'>Your phone can remind you at these times, every day you have "
                "exercises:</div><ul class='coach-reminders' data-testid='today-reminder-times'>"
                + "".join(f"<li><b>{html.escape(at)}</b> {html.escape(name)}</li>"
                          for at, name in reminder_times(programme))
                + "</ul>", unsafe_allow_html=True)
    st.download_button("Save my exercise reminders", data=to_ics(programme, tz=local_zone()), file_name=ICS_NAME,
                       mime="text/calendar", key="today_ics", width="stretch")
    with st.expander("How do I get the reminders onto my phone?"):
        st.markdown(PHONE_HELP)


PHONE_HELP = f"""1. Press **Save my exercise reminders**. The file is called **{ICS_NAME}**; it is saved in your
   Downloads folder.
2. Send it to yourself: attach it to an email to your own address (or ask a family member to help).
3. On your phone, open that email and tap the file.
   - **iPhone:** tap **Add All**, then **Done**.
   - **Android:** choose **Calendar** (or Google Calendar) to open it, then **Save** or **Import**.
4. Your calendar now shows each exercise time, with a reminder. The file has your exercises, never
   your name. If your physiotherapist changes your programme, save and open the new file the same way."""


def _practice(patient: str | None) -> None:
    if patient is None:
        st.info(ui.not_set_up_note() + " You can still practise here.")
    else:
        st.info("You have no programme yet. You can still practise here.")
    exercise = st.selectbox("Exercise", EXERCISE_NAMES, format_func=ui.exercise_label, key="practice_exercise")
    reps = st.number_input("Repetitions", min_value=1, max_value=30, value=10, key="practice_reps")
    if st.button("Start", type="primary", width="stretch", key="practice_start"):
        start(LiveOptions(exercise, side="both", sets=1, reps=int(reps), rest_s=60.0))


def start(plan: LiveOptions) -> None:
    st.session_state[PLAN_KEY] = plan
    st.rerun()
