"""Who is visiting: this browser's owner token (a cookie), its address, what it may start and manage.
See the README's "A class on one server"; the host's login is ui/host.py."""
import hashlib
import hmac
import secrets

import streamlit as st

from core import jobs
from core.rundir import meta
from ui import settings

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


def client_hash():
    """A hash of the client's address, or None on this machine (Streamlit reports no address there).

    Counted beside the token because a person can make new tokens at will (no cookie, private windows,
    a script); the address is harder to change. A class behind one router shares an address: the host
    raises max_runs_per_address then, or sets a class code (README).
    """
    address = st.context.ip_address
    return hashlib.sha256(f"attention-lab:{address}".encode("utf-8")).hexdigest() if address else None


def requester():
    """Who presses Start, with the host's limits (none for the host) -> core.jobs.Requester."""
    if is_host():
        return jobs.Requester(owner=owner_hash())
    return jobs.Requester(owner=owner_hash(), client=client_hash(),
                          max_per_owner=int(settings.number("max_runs_per_visitor")),
                          max_per_client=int(settings.number("max_runs_per_address")),
                          starts_per_minute=int(settings.number("starts_per_minute")))


def class_code_accepted(typed):
    """Start needs the class code when the host set one (secrets `class_code`); the host needs none."""
    code = settings.text("class_code")
    return code is None or is_host() or hmac.compare_digest(str(typed).encode("utf-8"), code.encode("utf-8"))


def is_host():
    return bool(st.session_state.get("ui.host")) and settings.text("host_password") is not None


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
    return settings.text("host_password") is None
