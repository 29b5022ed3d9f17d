"""Physio: the patient list, adding a patient, and a patient's sessions at a glance, with their
diary by week and their recent clips beside them."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st

from coach import labels
from coach.app import ui, uploads
from coach.app.user_text import plain
from coach.store.paths import write_private

SIDES = ("", "left", "right", "both", "none")


def render() -> None:
    ui.title("Patients")
    store = ui.store()
    from coach.app import clinic_view

    clinic_view.attention(store)  # falls first (issue 19)
    rows = patient_rows(store)
    if rows:
        st.dataframe(pd.DataFrame(rows), hide_index=True, key="patients_table")
        chosen = ui.pick_patient(ui.PHYSIO_PATIENT_KEY, "Open patient")
        if chosen:
            _sessions(store, chosen)
    else:
        st.info("No patients yet. Add the first one below.")
    _add_form(store)
    _import(store)


def patient_rows(store) -> list[dict]:
    """The patient list: one row per patient with their number of sessions and the last one's time."""
    activity = store.patient_activity()
    rows = []
    for p in store.patients():
        n, last = activity.get(p.id, (0, None))
        rows.append({"Patient": p.id, "Age": labels.value(p.age), "Condition": p.condition or "—",
                     "Affected side": labels.side(p.affected_side), "Video allowed": "yes" if p.video_opt_in else "no",
                     "Sessions": n, "Last session": labels.when(last)})
    return rows


def tests_by_session(store, patient_id: str, sessions=None) -> dict[int, list]:
    """session id -> its validated-test results, for the sessions that are tests (their own session,
    ``labels.is_test_session``): named by their test. A training session with a score keeps its name.
    ``sessions``: the patient's session summaries when the page has them already."""
    out: dict[int, list] = {}
    for t in store.test_results(patient_id) if hasattr(store, "test_results") else ():
        out.setdefault(t.session_id, []).append(t.result)
    if not out:
        return {}
    scored = [s.id for s in (sessions if sessions is not None else store.sessions(patient_id)) if s.id in out]
    settings = store.session_settings(scored)  # one read for all of them, without their reps
    return {sid: out[sid] for sid in scored if labels.is_test_session(settings.get(sid), out[sid])}


def _sessions(store, patient_id: str) -> None:
    from coach.app import clinic_view

    st.subheader(f"Sessions of {plain(patient_id)}")
    clinic_view.audit_view_once(patient_id, "patient page")
    clinic_view.clinic_panel(store, patient_id)
    clinic_view.seen_alerts(store, patient_id)
    found = store.sessions(patient_id)
    if not found:
        st.write("No sessions recorded yet.")
        _week(store, patient_id)
        return
    tests = tests_by_session(store, patient_id, found)
    st.dataframe(pd.DataFrame([{
        "Session": s.id, "Started": labels.when(s.started_at),
        "Exercise": labels.session_what(s.exercise, tests.get(s.id, ())),
        "Result": labels.session_result(s.reps, s.exercise, tests.get(s.id, ())), "Status": labels.status(s.status),
        "Sets": "—" if s.id in tests else s.sets, "Not counted": "—" if s.id in tests else s.attempts,
        "Faults": "—" if s.id in tests else s.faults, "Source": labels.source(s.source),
        "In trends": f"no: {s.excluded_reason} ({s.excluded_by})" if getattr(s, "excluded", False) else "yes"}
        for s in reversed(found)]), hide_index=True, key="sessions_table")
    st.caption("Open **Session review** in the menu to watch a session and see its reps.")
    _week(store, patient_id)


def _week(store, patient_id: str) -> None:
    """The patient's diary (last four weeks) and clips, in two lines of numbers, beside the sessions."""
    from coach.app.diary_view import WEEKS_NOTE, falls_alert, table_html, weeks_frame

    entries = store.diary_entries(patient_id)
    clips = store.clips(patient_id)
    if not entries and not clips:
        return
    alert = falls_alert(entries, date.today())
    if alert:
        st.warning(alert, icon=":material/warning:")
    if entries:
        st.markdown("**Diary, by week** (the last four; more under *Session review* > *Diary*)")
        st.markdown(table_html(weeks_frame(entries, last=4), "patients-diary-weeks"), unsafe_allow_html=True)
        st.caption(WEEKS_NOTE)
    if clips:
        newest = clips[0]
        st.markdown(f"**Clips from the patient:** {len(clips)}; the newest {labels.when(newest.recorded_at)}: "
                    f"“{plain(newest.note or 'no note')}” (watch under *Session review* > *Clips*)")


def _add_form(store) -> None:
    with st.expander("Add a patient", expanded=not store.patients()), st.form("add_patient", clear_on_submit=True):
        pid = st.text_input("Patient code (pseudonymous, never a name)", max_chars=32)
        c1, c2, c3 = st.columns(3)
        age = c1.number_input("Age", min_value=0, max_value=120, value=None)
        sex = c2.selectbox("Sex", ("", "female", "male", "other"))
        side = c3.selectbox("Affected side", SIDES)
        condition = st.text_input("Condition (e.g. stroke, Parkinson's, MS)")
        opt_in = st.checkbox("The patient agrees to video being kept with their sessions")
        if st.form_submit_button("Add patient", type="primary"):
            _add(store, pid.strip(), age, sex, side, condition.strip(), opt_in)


def _add(store, pid: str, age, sex: str, side: str, condition: str, opt_in: bool) -> None:
    if not pid or not all(c.isalnum() or c in "-_." for c in pid):
        st.error("Use letters, digits, '-', '_' or '.' for the patient code.")
        return
    try:
        store.add_patient(pid, age=int(age) if age is not None else None, sex=sex, condition=condition,
                          affected_side=side, video_opt_in=opt_in)
    except Exception as exc:  # noqa: BLE001 - duplicate id, database trouble
        st.error(str(exc))
        return
    st.session_state[ui.PHYSIO_PATIENT_KEY] = pid
    st.success(f"Added patient {plain(pid)}.")


def _import(store) -> None:
    """A patient's "Share with my physio" file into this record: ids kept, nothing counted twice."""
    try:
        from coach.store import bundle
    except ImportError:
        bundle = None
    with st.expander("Import a patient's shared file"):
        if bundle is None or not hasattr(bundle, "import_bundle"):
            st.caption("This version of the coach cannot import shared files yet.")
            return
        as_code = st.text_input("Import under another patient code (only when this file's code is someone "
                                "else here)", key="import_bundle_as", max_chars=64).strip()
        up = st.file_uploader("The file the patient sent you", key="import_bundle_file")
        from coach.work import queue

        queued = queue.enabled(store.engine)
        if up is not None and st.session_state.get("import_bundle_done") != up.file_id and queued:
            st.session_state["import_bundle_done"] = up.file_id  # a clinic's workers import it (coach.work)
            queue.enqueue(store, "bundle", "physio", uploads.display_name(up.name), {"as_patient": as_code or None},
                          up.getvalue())
            uploads.release(up)
        elif up is not None and st.session_state.get("import_bundle_done") != up.file_id:
            st.session_state["import_bundle_done"] = up.file_id
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "bundle.zip"
                write_private(path, up.getvalue())  # the patient's record: 0600
                uploads.release(up)  # on disk: the server's memory copy goes
                try:
                    outcome = bundle.import_bundle(store, path, as_patient=as_code or None)
                except Exception as exc:  # noqa: BLE001 - a bad or foreign file: say why
                    st.error(f"The file could not be imported: {plain(exc)}")
                    return
            st.session_state["import_bundle_message"] = import_message(outcome)
            from coach.app import clinic_view

            clinic_view.audit("import", getattr(outcome, "patient_id", ""), "shared file", import_message(outcome))
            st.rerun()  # the list above was drawn before the import: draw it again with the new patient
    if st.session_state.get("import_bundle_message"):  # outside the expander: seen even when it folds
        st.success("Imported " + plain(st.session_state["import_bundle_message"]))
    if queued:
        _queued_import(store)


@st.fragment(run_every=2.0)
def _queued_import(store) -> None:
    """The latest shared file the clinic's workers import: waiting, importing, imported or why not."""
    from coach.work import items

    with store.engine.connect() as conn:
        item = items.latest(conn, "physio", items.BUNDLE)
    if item is None:
        return
    name = plain(item.name)
    if item.state == items.DONE:
        st.success(f"Imported {name}: " + plain((item.result or {}).get("message", "done.")))
    elif item.state == items.FAILED:
        st.error(f"{name} could not be imported: {plain(item.error)}")
    else:
        st.info(f"{name}: {'importing' if item.state == items.RUNNING else 'waiting for the analysis computer'}...")


def import_message(outcome) -> str:
    """The import's result in words, whatever shape the store returns it in."""
    if isinstance(outcome, str):
        return outcome
    if hasattr(outcome, "describe"):
        return outcome.describe()
    fields = getattr(outcome, "__dict__", None) or (outcome if isinstance(outcome, dict) else {})
    if fields:
        parts = [f"{k.replace('_', ' ')}: {len(v) if isinstance(v, (list, tuple, set)) else v}"
                 for k, v in fields.items()]
        return ", ".join(parts) + "."
    return "done."
