"""Patient's laptop: the page for the person helping (a caregiver beside the patient).

Caregiver mode (a switch here, kept in the address as ``?caregiver=on``): the live page calls the
caregiver at once when the coach sees a loss of balance (a big red banner, and "Please help: loss of
balance" said aloud before the patient's own words). The day's plan is the one the Today page shows
(``coach.programme.schedule.due_by_routine`` marked by ``coach.app.today_clock``), with "Stand
beside them: spotting needed" on what needs it (``ExerciseSpec.spotting``, ``TestSpec.spotting``:
``coach.caregiver``). The questions the live page asks ("Is someone with you?", "Did they help?")
are here too, so the live page only places them.
"""
from __future__ import annotations

import html

import streamlit as st

from coach import caregiver as care
from coach.app import ui
from coach.app.how_it_felt import still_to_ask

MODE_KEY = "caregiver_mode"
MODE_PARAM, MODE_ON = "caregiver", "on"

STYLE = """<style>
.coach-spot { display:inline-block; font-size:1.45rem; font-weight:800; color:#fff; background:#b3261e;
              border-radius:10px; padding:0.2rem 0.8rem; margin:0.3rem 0; }
.coach-spot-why { font-size:1.3rem; margin:0.2rem 0 0.3rem 0; }
.coach-care-plan .coach-card h3 { font-size:1.9rem; }
.coach-care-line { font-size:1.4rem; line-height:1.5; }
[class*="st-key-caregiver_mode"] p { font-size:1.6rem; font-weight:800; }
[class*="st-key-caregiver_mode"] label > div:first-child { transform:scale(1.5); margin-right:0.8rem; }
.coach-care-on { font-size:1.4rem; font-weight:700; color:#0d4a1f; background:#e6f4ea; border:3px solid #1b7f3b;
                 border-radius:12px; padding:0.6rem 1rem; margin:0.3rem 0 0.8rem 0; }
.coach-care-alert { font-size:2.6rem; font-weight:900; color:#fff; background:#b3261e; border:6px solid #600;
                    border-radius:14px; padding:1rem; text-align:center; margin:0.4rem 0 0.8rem 0; }
</style>"""


def mode_on() -> bool:
    """Caregiver mode, as switched on this page (or kept in the address from before a reload)."""
    if MODE_KEY not in st.session_state:
        return st.query_params.get(MODE_PARAM) == MODE_ON
    return bool(st.session_state[MODE_KEY])


def render() -> None:
    from coach.app.pages.today import STYLE as TODAY_STYLE  # the Today page's cards, headings and marks

    st.markdown(TODAY_STYLE + STYLE, unsafe_allow_html=True)
    ui.title("For the person helping")
    st.markdown("<p class='coach-big'>Thank you for helping. This page shows today's exercises and when to "
                "stand beside them.</p>", unsafe_allow_html=True)
    _mode_switch()
    patient = ui.home_patient()
    programme = ui.store().programme(patient) if patient else None
    st.markdown("<div class='coach-occasion'>Today's plan</div>", unsafe_allow_html=True)
    if programme is None:
        st.info("There is no programme on this computer yet.")
    else:
        _plan(patient, programme)
    _tests()
    st.markdown("<div class='coach-occasion'>While they exercise</div>", unsafe_allow_html=True)
    st.markdown("<ul class='coach-care-line'>"
                "<li>Stand close beside them, within arm's reach.</li>"
                "<li>If the coach says <b>Please help</b>, go to them at once.</li>"
                "<li>Your physiotherapist can show you how to help safely.</li></ul>", unsafe_allow_html=True)


def _mode_switch() -> None:
    if MODE_KEY not in st.session_state:
        st.session_state[MODE_KEY] = st.query_params.get(MODE_PARAM) == MODE_ON
    on = st.toggle("Caregiver mode: I am beside them", key=MODE_KEY)
    if on:
        st.query_params[MODE_PARAM] = MODE_ON
        st.markdown("<div class='coach-care-on' data-testid='caregiver-mode-on'>Caregiver mode is on. If they lose "
                    "their balance, the coach calls you at once: out loud and in red.</div>", unsafe_allow_html=True)
    else:
        if MODE_PARAM in st.query_params:
            del st.query_params[MODE_PARAM]
        st.markdown("<p class='coach-care-line'>Turn it on when you are with them.</p>", unsafe_allow_html=True)


def _plan(patient: str, programme) -> None:
    """Today's exercises as the Today page lists them (its occasions and marks), without its buttons."""
    from coach.app import today_clock
    from coach.app.pages.today import _amount
    from coach.programme.schedule import due_by_routine

    clock = today_clock.now()
    marked = today_clock.mark_groups(due_by_routine(programme, ui.store().sessions(patient), clock.date()), clock)
    if not marked:
        st.markdown("<p class='coach-care-line'>Nothing planned for today.</p>", unsafe_allow_html=True)
    parts = ["<div class='coach-care-plan' data-testid='caregiver-plan'>"]
    for m in marked:
        badge = "" if m.badge == m.group.heading else f" &middot; {html.escape(m.badge)}"
        parts.append(f"<h3 class='coach-when'>{html.escape(m.group.heading)}{badge}</h3>")
        for slot in m.group.slots:
            e = slot.item
            why = care.exercise_spotting(e.exercise)
            status = "Done ✓" if slot.done else f"{slot.sets_left} set{'s' if slot.sets_left != 1 else ''} to do"
            parts.append(f"<div class='coach-card' data-testid='caregiver-item' data-spotting='{'yes' if why else 'no'}'>"
                         f"<h3>{html.escape(ui.exercise_label(e.exercise))}</h3>"
                         f"<div class='coach-big'>{html.escape(_amount(e))}</div>"
                         f"<div class='coach-status'>{html.escape(status)}</div>"
                         + (f"<div class='coach-spot'>{html.escape(care.SPOTTING_NEEDED)}</div>"
                            f"<div class='coach-spot-why'>{html.escape(why)}</div>" if why else "")
                         + "</div>")
    st.markdown("".join(parts) + "</div>", unsafe_allow_html=True)


def _tests() -> None:
    from exercises.validated_tests import TESTS

    spotted = [t for t in TESTS.values() if t.needs_spotting]
    st.markdown("<div class='coach-occasion'>Tests</div>"
                + "".join(f"<div class='coach-card' data-testid='caregiver-test'><h3>{html.escape(t.label)}</h3>"
                          f"<div class='coach-spot'>{html.escape(care.SPOTTING_NEEDED)}</div>"
                          f"<div class='coach-spot-why'>{html.escape(t.spotting)}</div></div>" for t in spotted),
                unsafe_allow_html=True)


# --- the live page's parts ------------------------------------------------------------------------

def alert_html() -> str:
    """The caregiver's banner on the live page: big, red, at the top of the board."""
    return (f"<div class='coach-care-alert' data-testid='caregiver-alert' role='alert' "
            f"style='font-size:2.6rem;font-weight:900;color:#fff;background:#b3261e;border:6px solid #600;"
            f"border-radius:14px;padding:1rem;text-align:center;margin:0.4rem 0 0.8rem 0'>"
            f"{html.escape(care.ALERT)}</div>")


def ask_present(key: str) -> str | None:
    """"Is someone with you?" before a set that needs spotting: "present", "absent", or None (not yet)."""
    st.markdown(f"<div class='coach-headline' data-testid='caregiver-ask'>{html.escape(care.ASK_PRESENT)}</div>"
                "<p class='coach-big'>Someone should stand beside you for this exercise.</p>", unsafe_allow_html=True)
    left, right = st.columns(2)
    if left.button(care.PRESENCE_WORDS["present"], key=f"{key}_present", type="primary", width="stretch"):
        return "present"
    if right.button(care.PRESENCE_WORDS["absent"], key=f"{key}_absent", width="stretch"):
        return "absent"
    return None


def ask_help(store, session_id: int | None, t_s: float, key: str) -> None:
    """"Did they help?" under the live summary; saved once with the session (its ``caregiver_help``)."""
    done = still_to_ask(store, session_id, key)
    if done is None:
        return
    st.markdown(f"<div class='coach-question' data-testid='caregiver-help-ask' style='font-size:1.6rem;"
                f"font-weight:800'>{html.escape(care.ASK_HELP)}</div>", unsafe_allow_html=True)
    for answer in care.HELP:  # one full-width button a line: side by side, 800 px cut their words short
        if st.button(care.HELP_WORDS[answer], key=f"{key}_{answer}_{session_id}", width="stretch"):
            try:
                store.add_session_event(session_id, max(0.0, t_s), care.HELP_KIND, answer)
            except Exception as exc:  # noqa: BLE001 - say so; the session itself is kept
                st.error(f"It could not be saved: {exc}")
                return
            st.session_state[done] = True
            st.rerun()
