"""The clinic service in the app (issue 19).

Physio side: "Needs attention" at the top of *Patients* (``coach.sync.alerts``: unseen first, each
with its day, where to look, and "Mark seen", which keeps who and when); for the open patient, the
pairing code for their laptop (with a QR of it), the paired laptops with "Revoke", and the days
without a session after which to be told. Who is acting comes from the login (``who()``): a named
account, or "physio" in the shared-password mode; each action goes to the audit log.

Patient side: a background syncer per server (started when the app opens, poked after each save),
the delivery words of ``coach.sync.words`` and pairing from the share page.
"""
from __future__ import annotations

import streamlit as st

from coach.app import ui
from coach.app.user_text import plain

WHO_KEY = "coach_physio_who"  # set by the login (coach.app.auth)


def who() -> str:
    from coach.sync.accounts import SHARED_LOGIN

    return st.session_state.get(WHO_KEY) or SHARED_LOGIN


def audit(action: str, patient_id: str = "", target: str = "", detail: str = "") -> None:
    """Record what the logged-in physio did; never stops the page (a read-only store says so in the log)."""
    from coach.sync import accounts

    try:
        accounts.audit(ui.store(), who(), action, patient_id, target, detail)
    except Exception as exc:  # noqa: BLE001 - the audit must not take the page down
        import logging

        logging.getLogger(__name__).warning("audit not written: %s", exc)


def audit_view_once(patient_id: str, what: str) -> None:
    """A view goes to the audit log once per browser session, patient and page (not on every rerun)."""
    flag = f"coach_audited_view_{patient_id}_{what}"
    if not st.session_state.get(flag):
        st.session_state[flag] = True
        audit("view", patient_id, what)


def attention(store) -> None:
    """Every patient's unseen alerts, falls first, each with "Mark seen"."""
    from coach.sync import alerts

    found = alerts.needs_attention(store)
    with st.container(key="needs_attention"):
        st.subheader("Needs attention")
        if not found:
            st.caption("Nothing new: no falls, losses of balance, pain jumps, missed days or suggestions to "
                       "make an exercise easier.")
            return
        for a in found[:50]:
            colour = "#b71c1c" if a.kind in ("fall", "balance") else "#e65100"  # a dot, not an emoji (no font needed)
            with st.container(border=True, key=f"alert_{a.patient_id}_{a.key}".replace(":", "_").replace(".", "_")):
                st.markdown(f"<span style='color:{colour}'>&#9679;</span> **{plain(a.patient_id)}**: {plain(a.text)}  \n"
                            f"<span style='opacity:.75'>Look at: {plain(a.where)}</span>", unsafe_allow_html=True)
                row = st.container(horizontal=True)
                opened = row.button("Open" if a.session_id is None else "Open at that moment",
                                   key=f"open_{a.patient_id}_{a.key}")
                row.button("Mark seen", key=f"seen_{a.patient_id}_{a.key}", on_click=_mark_seen, args=(store, a))
            if opened:
                open_in_review(a)
        if len(found) > 50:
            st.caption(f"... and {len(found) - 50} more.")


def _mark_seen(store, a) -> None:
    """The button's callback: runs before the page is drawn again, which then no longer lists it."""
    from coach.sync import alerts

    alerts.mark_seen(store, a.patient_id, a.key, who())
    audit("alert_seen", a.patient_id, a.key, a.text)


def open_in_review(a) -> None:
    """The alert's patient on *Session review*; with a session, that session, playing from 1.5 s
    before the moment (as a click on a fault does)."""
    from coach.app.main import pages
    from coach.app.pages import review

    st.session_state[ui.PHYSIO_PATIENT_KEY] = a.patient_id
    st.session_state[f"{ui.PHYSIO_PATIENT_KEY}_select"] = a.patient_id
    if a.session_id is not None:
        st.session_state[review.SESSION_KEY] = a.session_id
        st.session_state[review.TIME_KEY] = max(0.0, (a.t_s or 0.0) - 1.5)
        st.session_state.pop("review_pick", None)
    audit("view", a.patient_id, a.where, f"from the alert: {a.text}")
    st.switch_page(next(p for p in pages(ui.settings()) if p.url_path == "review"))


def seen_alerts(store, patient_id: str) -> None:
    from coach.sync import alerts

    seen = [a for a in alerts.for_patient(store, patient_id) if a.seen]
    if seen:
        with st.expander(f"Alerts already seen ({len(seen)})"):
            for a in seen:
                st.markdown(f"{plain(a.text)}: seen by {plain(a.seen_by)} at {a.seen_at.astimezone():%d %b %H:%M}")


def clinic_panel(store, patient_id: str) -> None:
    """Pairing code, paired laptops, alert setting for the open patient."""
    from coach.sync import alerts, clinic

    with st.expander("The patient's laptop: pairing and sync"):
        devices = clinic.devices(store, patient_id)
        live = [d for d in devices if not d.revoked]
        if live:
            for d in live:
                seen = f"{d.last_seen_at.astimezone():%d %b %H:%M}" if d.last_seen_at else "never"
                st.markdown(f"**{plain(d.name or 'A laptop')}**, paired {d.paired_at.astimezone():%d %b %Y}; "
                            f"last sync {seen}")
                if st.button("Revoke this laptop", key=f"revoke_{d.id}"):
                    clinic.revoke(store, d.id, who())
                    audit("revoke", patient_id, f"device {d.id}", d.name)
                    st.rerun()
        else:
            st.caption("No laptop is paired for this patient.")
        if st.button("Make a pairing code", key=f"pair_code_{patient_id}"):
            st.session_state[f"pair_code_{patient_id}_value"] = clinic.make_pairing_code(store, patient_id, who())
            audit("pair", patient_id, "pairing code")
        code = st.session_state.get(f"pair_code_{patient_id}_value")
        if code:
            st.markdown(f"<div data-testid='pairing-code' style='font-size:2rem;font-weight:700;letter-spacing:.15em'>"
                        f"{code}</div>", unsafe_allow_html=True)
            st.caption("Once, within 24 hours. On the patient's laptop: Share with my physio > Connect to my "
                       f"clinic, or `coach pair {code} --clinic https://<this clinic's address>`.")
            qr = qr_svg(code)
            if qr:
                st.markdown(f"<div style='width:180px'>{qr}</div>", unsafe_allow_html=True)
        days = alerts.inactive_days(store, patient_id)
        new = st.number_input("Tell me when there has been no session for this many days", 1, 90, days,
                              key=f"inactive_days_{patient_id}")
        if int(new) != days:
            alerts.set_inactive_days(store, patient_id, int(new), who())
            audit("change", patient_id, "alert settings", f"no session for {int(new)} days")


def qr_svg(text: str) -> str | None:
    """The code as an inline SVG QR (the ``qrcode`` package, when installed), else None."""
    try:
        import qrcode
        import qrcode.image.svg
    except ImportError:
        return None
    import re

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    svg = image.to_string(encoding="unicode")
    return re.sub(r'width="[^"]+" height="[^"]+"', 'width="180" height="180" data-testid="pairing-qr"', svg, count=1)


# --- the patient's side -----------------------------------------------------------------------------

@st.cache_resource(show_spinner=False)
def _syncer(url: str | None, data_dir: str):
    from coach.sync.client import Syncer

    return Syncer(url, interval_s=10.0)


def sync_now() -> None:
    """Start the background syncer (once per server) and ask it to sync now, when this laptop is paired."""
    from coach.sync.client import load_pairing

    try:
        store = ui.store()
        if load_pairing(store) is None:
            return
        s = ui.settings()
        _syncer(s.database_url, str(s.data_dir)).poke()
    except Exception as exc:  # noqa: BLE001 - sync is a background nicety; never a broken page
        import logging

        logging.getLogger(__name__).warning("sync not started: %s", exc)


def delivery_words(patient_id: str, kind: str, key: str) -> tuple[str, bool]:
    from coach.sync import words
    from coach.sync.client import load_pairing

    store = ui.store()
    return words.delivery(store, patient_id, kind, key, load_pairing(store) is not None)


def show_delivery(patient_id: str, kind: str, key: str) -> None:
    """Where the item is, in words; while it waits for a paired laptop's sync, the line looks again
    every few seconds by itself, so \"Sent ...\" appears once the clinic has taken it."""
    text, sent = delivery_words(patient_id, kind, key)
    if sent or text == _words().NOT_PAIRED:
        _delivery_line(text, sent)
    else:
        _waiting_line(patient_id, kind, key)


def _words():
    from coach.sync import words

    return words


def _delivery_line(text: str, sent: bool) -> None:
    st.markdown(f"<p data-testid='delivery' class='coach-big'>{'✓ ' if sent else ''}{plain(text)}</p>",
                unsafe_allow_html=True)


@st.fragment(run_every=5)
def _waiting_line(patient_id: str, kind: str, key: str) -> None:
    text, sent = delivery_words(patient_id, kind, key)
    _delivery_line(text, sent)


def pairing_form() -> None:
    """On the patient's share page: connect this laptop to the clinic with the physio's code."""
    from coach.sync import client

    store = ui.store()
    pairing = client.load_pairing(store)
    st.subheader("Connect to my clinic")
    if pairing is not None:
        from coach.sync import outbox

        last = outbox.last_delivery(store, pairing.patient_id)
        waiting = len(outbox.pending(store, pairing.patient_id))
        st.write(f"This computer sends your exercise record to your clinic by itself."
                 + (f" Last sent at {last.astimezone():%H:%M on %d %b}." if last else " Nothing has been sent yet.")
                 + (f" {waiting} thing(s) waiting to go." if waiting else ""))
        if st.button("Send now", key="sync_now"):
            result = client.sync_once(store, force=True)
            if result.error:
                st.warning(plain(result.error))
            else:
                st.success("Sent." if result.delivered else "Everything had already been sent.")
        return
    with st.form("pair_form"):
        url = st.text_input("Your clinic's address (your physiotherapist gives it)", placeholder="https://...")
        code = st.text_input("The pairing code", placeholder="ABCD-EFGH", max_chars=12)
        if st.form_submit_button("Connect", type="primary"):
            try:
                p = client.pair(store, url, code)
            except (client.SyncError, ValueError) as exc:
                st.error(plain(exc))
            else:
                st.success(f"Connected. Your record goes to your clinic by itself from now on (patient {p.patient_id}).")
                sync_now()
