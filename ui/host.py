"""The host's login (secrets `host_password`), slowed down against guessing, and the host's actions
against a visitor who floods the trainer: stop every run of that visitor, or the whole queue."""
import hmac
import logging
import secrets
import threading
import time

import streamlit as st

from core import jobs
from ui import settings
from ui.paths import RUNS_ROOT
from ui.plain import plain_text
from ui.visitors import client_hash, is_host

log = logging.getLogger("attention_lab.host")
FREE_TRIES = 3          # wrong passwords before the waits begin
MAX_WAIT_S = 300        # the longest wait between tries
# Failed tries per client address, shared by every session of the server: a script that opens new
# sessions does not get new free tries.
_failures = {}
_failures_lock = threading.Lock()


def wait_left(key, now=None):
    """Seconds before the next try is accepted for this key (a session or an address)."""
    now = time.time() if now is None else now
    with _failures_lock:
        count, last = _failures.get(key, (0, 0.0))
    if count < FREE_TRIES:
        return 0.0
    return max(0.0, last + min(2 ** (count - FREE_TRIES + 1), MAX_WAIT_S) - now)


def note_failure(key, now=None):
    with _failures_lock:
        count, _ = _failures.get(key, (0, 0.0))
        _failures[key] = (count + 1, time.time() if now is None else now)
        return count + 1


def _keys():
    if "ui.host.session" not in st.session_state:   # a random name per session: its own count of failures
        st.session_state["ui.host.session"] = f"session-{secrets.token_hex(8)}"
    session = st.session_state["ui.host.session"]
    return [session] + ([f"address-{client_hash()}"] if client_hash() else [])


def host_login():
    """A sidebar box where the host types the password to manage every run."""
    password = settings.text("host_password")
    with st.sidebar.expander("Host", icon=":material/admin_panel_settings:"):
        if password is None:
            st.caption("No host password is set (`host_password` in `.streamlit/secrets.toml`): runs started "
                       "from the command line can be managed by everyone, others only by the browser that "
                       "started them.")
            return
        if is_host():
            st.caption("You manage every run.")
            if st.button("Log out", key="ui.host.logout"):
                st.session_state["ui.host"] = False
                st.rerun()
            return
        with st.form("ui.host.form", border=False, clear_on_submit=True):
            typed = st.text_input("Host password", type="password", key="ui.host.password")
            tried = st.form_submit_button("Log in")
        if tried and typed:
            _try(typed, password)


def _try(typed, password):
    wait = max(wait_left(key) for key in _keys())
    if wait > 0:
        st.error(f"Too many wrong passwords: try again in {wait:.0f} s.")
        return
    if hmac.compare_digest(typed.encode("utf-8"), password.encode("utf-8")):
        st.session_state["ui.host"] = True
        st.rerun()
    counts = [note_failure(key) for key in _keys()]
    log.warning("wrong host password (%s): %d failures from this session, %s from its address",
                _keys()[0], counts[0], counts[1] if len(counts) > 1 else "n/a (local)")
    st.error("Wrong password.")


def host_actions(row):
    """For the host: stop every run of the selected run's visitor, or everything in the queue."""
    if not is_host():
        return
    with st.expander("Host: stop many runs at once", icon=":material/block:"):
        owner = row.get("owner")
        if owner and st.button("Stop every run of this run's visitor", key="home.host.stop_visitor"):
            st.toast(plain_text(f"Stopped {jobs.stop_all(RUNS_ROOT, owner=owner)} request(s) of that visitor."))
        if st.button("Stop the whole queue", key="home.host.stop_all", type="primary"):
            st.toast(plain_text(f"Stopped {jobs.stop_all(RUNS_ROOT)} request(s)."))
