"""After each exercise: "How hard was that?" and "Any pain?" (0-10), stored with the session as two
of its events (kinds ``effort`` and ``pain``, detail "7/10": ``Store.add_session_event``, so they
travel in the share file like any added event) and shown to the physio beside the reps."""
from __future__ import annotations

import streamlit as st

KINDS = {"effort": "How hard was that?", "pain": "Any pain?"}
HINTS = {"effort": "0 = very easy, 10 = as hard as it gets", "pain": "0 = no pain, 10 = the worst pain you can imagine"}
SCALE = list(range(11))
# Large taps for tired hands, the eleven of them on one line on a tablet too (as in the diary).
STYLE = """<style>
[class*="st-key-live_felt"] [data-testid="stButtonGroup"] button { min-height:3rem; min-width:2.3rem; padding:0 4px; }
[class*="st-key-live_felt"] [data-testid="stButtonGroup"] button p { font-size:1.25rem; font-weight:700; }
[class*="st-key-live_felt"] [data-testid="stButtonGroup"] button[aria-checked="true"] { background:#0b3d91; }
[class*="st-key-live_felt"] [data-testid="stButtonGroup"] button[aria-checked="true"] p { color:#fff; }
</style>"""


def ratings(events) -> dict[str, int]:
    """kind -> the patient's latest rating, from a session's added events."""
    out: dict[str, int] = {}
    for e in events:
        if e.kind in KINDS:
            try:
                out[e.kind] = int(str(e.detail).split("/")[0])
            except ValueError:
                continue
    return out


def words(found: dict[str, int]) -> str:
    """"effort 7/10, pain 2/10" (for the physio), or ""."""
    return ", ".join(f"{k} {found[k]}/10" for k in KINDS if k in found)


def still_to_ask(store, session_id: int | None, key: str) -> str | None:
    """The session-state key that marks ``key``'s answers saved for this session; None when there is
    nothing to ask (no session, a store without session events, or answered already: then the thanks
    are shown). Each question under the live summary is saved once per session."""
    if session_id is None or not hasattr(store, "add_session_event"):
        return None
    done = f"{key}_saved_{session_id}"
    if st.session_state.get(done):
        st.success("Thank you. It is kept with this session for your physiotherapist.")
        return None
    return done


def ask(store, session_id: int | None, key: str) -> None:
    """The two questions under the live summary; saved once per session."""
    done = still_to_ask(store, session_id, key)
    if done is None:
        return
    answers = {}
    st.markdown(STYLE, unsafe_allow_html=True)
    with st.container(key=f"{key}_{session_id}"):
        for kind, question in KINDS.items():
            st.markdown(f"<div class='coach-question' style='font-size:1.6rem;font-weight:800'>{question}</div>"
                        f"<div>{HINTS[kind]}</div>", unsafe_allow_html=True)
            answers[kind] = st.segmented_control(question, SCALE, key=f"{key}_{kind}_{session_id}",
                                                 label_visibility="collapsed")
        if st.button("Save how it felt", key=f"{key}_save_{session_id}", width="stretch"):
            try:
                for kind, value in answers.items():
                    if value is not None:
                        store.add_session_event(session_id, 0.0, kind, f"{int(value)}/10")
            except Exception as exc:  # noqa: BLE001 - say so; the session itself is kept
                st.error(f"It could not be saved: {exc}")
                return
            st.session_state[done] = True
            st.rerun()
