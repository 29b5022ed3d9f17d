"""The patient's undo for a session made by mistake (after a live session, after an upload)."""
from __future__ import annotations

import streamlit as st

from coach.app import ui


def discard_control(sid: int | None, key: str) -> None:
    """The patient's undo for a session made by mistake: removed from the record."""
    if sid is None:
        return
    store = ui.store()
    if not hasattr(store, "discard_session"):
        return
    done = f"discarded_{sid}"
    if st.session_state.get(done):
        st.info("This session was removed from your record.")
        return
    with st.expander("Made by mistake? Remove this session"):
        st.write("Your physiotherapist will not see it. This cannot be undone.")
        if st.button("Remove this session", key=key):
            try:
                store.discard_session(sid)
            except Exception as exc:  # noqa: BLE001 - say so, keep the page
                st.error(f"It could not be removed: {exc}")
                return
            st.session_state[done] = True
            st.rerun()
