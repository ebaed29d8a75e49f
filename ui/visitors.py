"""Who is visiting: this browser's owner token (a cookie), the host's login, and who may manage a run.
See the README's "A class on one server"."""
import hmac
import secrets

import streamlit as st

from core.rundir import meta

OWNER_COOKIE = "attention_lab_owner"
_TOKEN_CHARS = set("0123456789abcdef")


def _valid_token(token):
    return isinstance(token, str) and len(token) == 32 and set(token) <= _TOKEN_CHARS


def owner_token():
    """This browser's random token: kept in a cookie, so it survives reloads and is shared by its tabs.

    Streamlit 1.67 reads cookies (st.context.cookies, as sent when the tab connected) but cannot set
    them, so a fresh token is written by a one-line script (st.html with JavaScript) and read back on
    the next visit. Until then the tab keeps it in its session. No account: clearing the cookies or
    changing browser makes a new visitor (the host can still manage the old runs).
    """
    token = st.session_state.get("ui.owner_token")
    if token is None:
        cookie = st.context.cookies.get(OWNER_COOKIE)
        token = cookie if _valid_token(cookie) else secrets.token_hex(16)
        st.session_state["ui.owner_token"] = token
    if st.context.cookies.get(OWNER_COOKIE) != token and not st.session_state.get("ui.cookie_written"):
        st.session_state["ui.cookie_written"] = True
        # token is 32 hex characters made here (checked above when it came from a cookie): nothing to escape
        st.html(f"<script>document.cookie = '{OWNER_COOKIE}={token}; path=/; max-age=31536000; "
                f"SameSite=Strict';</script>", unsafe_allow_javascript=True, width="content")
    return token


def owner_hash():
    return meta.owner_hash(owner_token())


def _secret(name, default=None):
    try:
        return st.secrets.get(name, default)
    except Exception:   # no secrets.toml at all: Streamlit raises instead of returning the default
        return default


def host_password():
    return _secret("host_password") or None


def max_runs_per_visitor():
    """How many training requests (a single run or a queued comparison) a visitor may have going or
    waiting at once: secrets `max_runs_per_visitor` (default 1); the host has no limit."""
    try:
        return max(1, int(_secret("max_runs_per_visitor", 1)))
    except (TypeError, ValueError):
        return 1


def is_host():
    return bool(st.session_state.get("ui.host")) and host_password() is not None


def host_login():
    """A sidebar box where the host types the password from secrets (`host_password`) to manage every run."""
    password = host_password()
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
        typed = st.text_input("Host password", type="password", key="ui.host.password")
        if typed:
            if hmac.compare_digest(typed.encode("utf-8"), str(password).encode("utf-8")):
                st.session_state["ui.host"] = True
                st.rerun()
            st.error("Wrong password.")


def can_manage(row_or_dir):
    """May this browser stop, rename or delete a run? Its owner (same token) or the host may.

    A run with no owner (trained from the command line, or before owners existed) belongs to the
    host; with no host password set, to everyone, as on a laptop.
    """
    if is_host():
        return True
    owner = row_or_dir.get("owner") if isinstance(row_or_dir, dict) else meta.owner(row_or_dir)
    if owner:
        return owner == owner_hash()
    return host_password() is None
