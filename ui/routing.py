"""Routing and links: every page runs through app.py's st.navigation, and a link opens a view.

Links: ?run=demo&epoch=2&text=Aug%2019%2C%202003 (or &iteration=150). A page calls open_from_link
before its widgets exist, and sync_link after, so the address always shows the view.

History: one browser history entry per page visited, so Back goes back a page (one_entry_per_page).
"""
import os

import streamlit as st

from core import PROJECT_ROOT
from core.rundir import DAMAGED, checkpoints
from ui import runs
from ui.plain import plain_warning

LINK_KEYS = ("run", "epoch", "iteration", "text")


# Streamlit's frontend pushes a history entry for every change of the address: one when a page opens,
# one more when the page's sync_link writes its own query, one per date typed. Back then stayed on the
# same page, or opened the previous page under the next one's query. This patch, installed once per
# browser tab, makes a change of the query alone replace the current entry, and a change of page (another
# path) add one. A new page's query can arrive just before its path (measured: 33 ms before, when
# Compare was opened from Attention), so a query change waits QUERY_WAIT_MS: a page change meanwhile
# takes it along (Streamlit's new path comes with the new query, or gets it here), else it replaces
# the entry it was meant for. Streamlit replaces, not pushes, while it follows a Back, so going back is unchanged.
QUERY_WAIT_MS = 300
_HISTORY_JS = """
export default function () {
  if (window.__attentionLabHistory) return;
  window.__attentionLabHistory = true;
  const push = window.history.pushState.bind(window.history);
  const replace = window.history.replaceState.bind(window.history);
  let pending = null, pendingQuery = "";
  const cancel = () => { clearTimeout(pending); pending = null; };
  window.addEventListener("popstate", cancel);
  window.history.pushState = function (state, title, url) {
    const target = new URL(url, window.location.href);
    if (target.pathname !== window.location.pathname) {
      if (pending && !target.search) target.search = pendingQuery;   // the new page's query came first
      cancel();
      return push(state, title, target.pathname + target.search + target.hash);
    }
    cancel();
    pendingQuery = target.search;
    pending = setTimeout(() => {
      pending = null;
      if (window.location.pathname === target.pathname) replace(state, title, url);
    }, WAIT);
  };
}
""".replace("WAIT", str(QUERY_WAIT_MS))
_HISTORY = st.components.v2.component("attention_lab.history_per_page", js=_HISTORY_JS,
                                      css=":host { display: none; }")


def one_entry_per_page():
    """Called by app.py on every run: installs the history patch above (a no-op once installed)."""
    with st.sidebar:
        _HISTORY(key="ui.history", height=0)


def mark_routed():
    """Called by app.py on every run: this session's pages are being run through st.navigation."""
    st.session_state["ui.routed"] = True


def require_router(page_file):
    """Send a page that Streamlit ran on its own back through app.py, remembering where it was.

    When a fresh server's first request is a deep link (/attention), Streamlit's legacy mode runs
    pages/attention.py directly, with an auto-generated menu, until app.py has run once.
    """
    if not st.session_state.get("ui.routed"):
        # the link's query (?run=...&text=...) rides along: switch_page would clear it otherwise
        st.session_state["ui.deep_link"] = (os.path.relpath(page_file, PROJECT_ROOT), st.query_params.to_dict())
        st.switch_page("app.py", query_params=st.query_params.to_dict())


def resume_deep_link():
    """In app.py, after st.navigation: go on to the page a redirected deep link asked for."""
    target = st.session_state.pop("ui.deep_link", None)
    if target:
        page_file, query = target
        st.switch_page(page_file, query_params=query)


def open_from_link(prefix):
    """Put a link's run, checkpoint and text into this page's widgets, once per distinct link.

    Unknown values are named in a warning and left out; the page then opens on its defaults.
    """
    link = tuple(st.query_params.get(k) for k in LINK_KEYS)
    if not any(link) or st.session_state.get(f"{prefix}.link") == link:
        return
    st.session_state[f"{prefix}.link"] = link
    run_id, epoch, iteration, text = link
    problems = []
    run = None
    if run_id:
        run = next((r for r in runs.run_rows() if r["run"] == run_id), None)
        if run is None:
            problems.append(f"there is no run named {run_id[:80]!r}")
        elif run["state"] == DAMAGED:   # not offered by the pickers: say why instead of showing another
            problems.append(f"run {run_id[:80]!r} is damaged ({run['reason']})")
            run = None
        else:
            st.session_state[f"{prefix}.run"] = run["path"]
    if run and (epoch or iteration):
        name = _checkpoint_from_link(epoch, iteration)
        if name and name in {c.name for c in runs.checkpoint_listing(run["path"])}:
            st.session_state[f"{prefix}.epoch"] = name
            st.session_state[f"{prefix}.epoch.run"] = run["path"]   # the checkpoint belongs to this run
        else:
            shown = f"epoch {epoch}" if epoch else f"iteration {iteration}"
            problems.append(f"run {run_id!r} has no checkpoint for {shown[:40]}")
    if text is not None:
        st.session_state[f"{prefix}.text"] = text[:200]
    for problem in problems:
        plain_warning(f"This link cannot be followed completely: {problem}.")


def _checkpoint_from_link(epoch, iteration):
    try:
        if epoch:
            return checkpoints.epoch_name(int(epoch))
        return checkpoints.iteration_name(int(iteration))
    except ValueError:
        return None


def sync_link(prefix, run, checkpoint=None, text=None):
    """Make the address describe what the page shows (and remember it, so it is not applied again)."""
    params = {"run": run["run"]}
    if checkpoint:
        match = checkpoints.EPOCH_NAME.match(checkpoint)
        params["epoch" if match else "iteration"] = str(int(checkpoint.split("_")[1]))
    if text:
        params["text"] = text
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    st.session_state[f"{prefix}.link"] = tuple(params.get(k) for k in LINK_KEYS)
