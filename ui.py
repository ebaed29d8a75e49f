"""The Streamlit helpers every page shares: where runs live, cached model loading, pickers.

Pages stay thin: they call these and core/, and hold no NumPy math of their own.
"""
import hmac
import os
import re
import secrets
import threading
import time

import streamlit as st

from core import curves, datafiles, live, metrics as metrics_core, run_checkpoints, runindex, runmeta, runs
from core import translate as translate_core, viz
from core.errors import UserError
from core.models import build_model

PROJECT_ROOT = os.path.dirname(os.path.abspath(__file__))
# Tests point this at a temporary directory so they never touch the real artifacts/.
ARTIFACTS = os.environ.get("ATTENTION_LAB_ARTIFACTS", os.path.join(PROJECT_ROOT, "artifacts"))
RUNS_ROOT = os.path.join(ARTIFACTS, "runs")
DEMO_RUN = os.path.join(ARTIFACTS, "demo")
MAX_SHOWN_CHARS = 300   # users' text (errors, names, excerpts) is cut to this length when shown

EXAMPLES = ["Tuesday, November 22, 2016", "september 27, 1994", "Aug 19, 2003", "2/10/93",
            "22.11.2016", "Tue 22 Nov 2016", "The 3rd of March 2021", "2016/11/22"]


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


def all_runs():
    """Summaries of the demo run and every run under RUNS_ROOT, newest first after the demo."""
    demo = runs.list_runs(DEMO_RUN)
    others = sorted(runs.list_runs(RUNS_ROOT), key=lambda r: r["started_at"] or 0, reverse=True)
    return demo + others


def run_label(summary):
    return f"{summary['run']} ({summary['state']}, {summary['epochs']} epochs)"


def run_picker(key, label="Run", only_with_checkpoints=True, container=None):
    """A selectbox of runs; returns the chosen summary, or None (with a note) when there is none."""
    where = container or st.sidebar
    options = [r for r in all_runs() if r["epochs"] > 0 or not only_with_checkpoints]
    if not options:
        where.info("No run with a finished epoch yet: start one on the Train page.")
        return None
    by_path = {r["path"]: r for r in options}
    path = where.selectbox(label, list(by_path), format_func=lambda p: run_label(by_path[p]), key=key)
    return by_path[path]


def checkpoint_picker(run_dir, key, label="Checkpoint"):
    """A slider over a run's checkpoints in training order, the latest selected by default.

    Returns the checkpoint's name ("epoch_003", "iter_0000150"); labels show epoch, iteration and the
    test accuracy recorded with it.
    """
    listing = runs.list_checkpoints(run_dir)
    labels = {c.name: c.label or c.name for c in listing}
    names = list(labels)
    if len(names) == 1:
        st.caption(f"Checkpoint: {labels[names[0]]} (the only one)")
        return names[0]
    if st.session_state.get(key) not in names:
        st.session_state[key] = names[-1]
    return st.select_slider(label, options=names, format_func=labels.get, key=key,
                            help="Every checkpoint of the run in training order: inside training (by "
                                 "iteration) and at each epoch's end, with its test accuracy.")


def run_and_checkpoint_picker(prefix):
    """Sidebar pickers of a run and one of its checkpoints; stops the page (with a note) when there is none."""
    run = run_picker(f"{prefix}.run")
    if run is None:
        st.stop()
    with st.sidebar:
        checkpoint = checkpoint_picker(run["path"], f"{prefix}.epoch")
    return run, checkpoint


@st.cache_resource(max_entries=32, show_spinner="Loading checkpoint...")
def _loaded(run_dir, checkpoint, mtime):
    """(model, vocab, config, lock) for one checkpoint; mtime in the key reloads a replaced file.

    The model keeps per-call state (LSTM buffers), and Streamlit runs sessions in threads: the lock
    lets one translation at a time use it.
    """
    model, vocab, config, _ = runs.load_model(run_dir, checkpoint)
    return model, vocab, config, threading.Lock()


def checkpoint_mtime(run_dir, checkpoint):
    path = runs.checkpoint_path(run_dir, checkpoint)
    return os.path.getmtime(path) if os.path.exists(path) else 0


def load(run_dir, checkpoint):
    return _loaded(run_dir, checkpoint, checkpoint_mtime(run_dir, checkpoint))


@st.cache_resource(max_entries=4, show_spinner=False)
def _live_model(run_dir, mtime):
    """(model, vocab, config, iteration, lock) from a training run's live snapshot (core.live)."""
    config, vocab = runs.read_config(run_dir), runs.read_vocab(run_dir)
    model = build_model(config, len(vocab.chars))
    iteration = live.load_into(model.params, run_dir)
    return model, vocab, config, iteration, threading.Lock()


def translate_live(run_dir, text):
    """(Translation, iteration) from the run's latest live snapshot, or None when it has none."""
    mtime = live.mtime(run_dir)
    if not mtime:
        return None
    model, vocab, config, iteration, lock = _live_model(run_dir, mtime)
    with lock:
        return translate_core.translate(model, vocab, config, text), iteration


def translate(run_dir, checkpoint, text):
    """core.translate through the cached model; raises UserError for bad text or a bad checkpoint."""
    model, vocab, config, lock = load(run_dir, checkpoint)
    with lock:
        return translate_core.translate(model, vocab, config, text)


def translate_many(run_dir, checkpoint, texts):
    """core.translate.translate_many through the cached model: per text a Translation or a UserError."""
    model, vocab, config, lock = load(run_dir, checkpoint)
    with lock:
        return translate_core.translate_many(model, vocab, config, texts)


def vocab(run_dir, checkpoint):
    """The checkpoint's vocabulary (loaded with its cached model); raises UserError for a bad run."""
    return load(run_dir, checkpoint)[1]


def mark(result):
    """A prediction with a check mark or a cross where the right answer is known."""
    return result.prediction.strip() + ("" if result.correct is None else (" ✓" if result.correct else " ✗"))


def queue_mates(run, everything):
    """The run's path and those started in the same queue with it (the book's comparison, say).

    A queue's runs are named <start stamp>-<n>-<model>; a run started alone has no number.
    """
    match = QUEUED_NAME.match(run["run"])
    if not match:
        return [run["path"]]
    return [r["path"] for r in everything if r["run"].startswith(match.group(1)) and QUEUED_NAME.match(r["run"])]


QUEUED_NAME = re.compile(r"^(\d{8}-\d{6}-(?:\d+-)?)\d+-")


def plain_text(text, limit=MAX_SHOWN_CHARS):
    """Users' text made safe for Streamlit's Markdown elements: one line (no headings, lists or code
    blocks), capped, every markup character escaped (escape_markdown), so a data line or a run name
    can never put a link, an image or formatting on a page."""
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[:limit - 1] + "…"
    return escape_markdown(text)


def plain_error(text):
    """st.error showing text as plain text (see plain_text)."""
    st.error(plain_text(text), icon="⚠️")


def plain_warning(text):
    """A warning whose text is shown as typed: no Markdown, no links, no images."""
    st.warning(plain_text(text), icon="⚠️")


def show_user_error(error):
    plain_error(error)


def data_dirs():
    """The allowed data folders: artifacts/data and those in ATTENTION_LAB_DATA_DIRS (README, Hosting)."""
    return datafiles.allowed_dirs(ARTIFACTS)


def data_file_picker(key, label="Data file", container=None):
    """A selectbox of the allowed data folders' files (never a free path); returns a DataFile or None."""
    where = container or st
    files = datafiles.list_files(data_dirs())
    if not files:
        where.info("No data files on the server: the host puts book-format files into "
                   f"{os.path.relpath(data_dirs()[0], PROJECT_ROOT)}/ (README, Hosting).")
        return None
    by_name = {f.name: f for f in files}
    name = where.selectbox(label, list(by_name), key=key,
                           format_func=lambda n: f"{n} ({by_name[n].size / 1e6:.2f} MB)")
    return by_name.get(name)


def example_buttons(key, state_key):
    """One button per example input; a click puts it into the text box named state_key."""
    st.caption("Examples:")
    # a wrapping row of buttons as wide as their text: never cut, whatever the window's width
    with st.container(horizontal=True, wrap=True, gap="small"):
        for n, example in enumerate(EXAMPLES):
            st.button(example, key=f"{key}.{n}", on_click=st.session_state.__setitem__,
                      args=(state_key, example), width="content")


def format_time(timestamp):
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(timestamp)) if timestamp else ""



# Links that open a view: ?run=demo&epoch=2&text=Aug%2019%2C%202003 (or &iteration=150). A page calls
# open_from_link before its widgets exist, and sync_link after, so the address always shows the view.
LINK_KEYS = ("run", "epoch", "iteration", "text")


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
        run = next((r for r in all_runs() if r["run"] == run_id), None)
        if run is None:
            problems.append(f"there is no run named {run_id[:80]!r}")
        else:
            st.session_state[f"{prefix}.run"] = run["path"]
    if run and (epoch or iteration):
        name = _checkpoint_from_link(epoch, iteration)
        if name and name in {c.name for c in runs.list_checkpoints(run["path"])}:
            st.session_state[f"{prefix}.epoch"] = name
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
            return run_checkpoints.epoch_name(int(epoch))
        return run_checkpoints.iteration_name(int(iteration))
    except ValueError:
        return None


def sync_link(prefix, run, checkpoint=None, text=None):
    """Make the address describe what the page shows (and remember it, so it is not applied again)."""
    params = {"run": run["run"]}
    if checkpoint:
        match = run_checkpoints.EPOCH_NAME.match(checkpoint)
        params["epoch" if match else "iteration"] = str(int(checkpoint.split("_")[1]))
    if text:
        params["text"] = text
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    st.session_state[f"{prefix}.link"] = tuple(params.get(k) for k in LINK_KEYS)


def escape_markdown(text):
    """Backslash-escape every character Markdown (and Streamlit's extensions) could interpret."""
    return "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in str(text))


MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~:$=@^")   # ':' '.' '@': bare links and e-mail addresses


def live_attention(run_dir, key="train.probe"):
    """The probe date's attention at the run's newest weights: the live snapshot while it trains,
    else its latest checkpoint. Typed before or during training; every tab computes its own."""
    text = st.text_input("Probe date", EXAMPLES[0], key=key, max_chars=100,
                         help="Any date: its attention is redrawn from the newest weights every few seconds.")
    try:
        live_result = translate_live(run_dir, text)
        if live_result is not None:
            result, iteration = live_result
            where = f"iteration {iteration:,} (live)"
        else:
            listing = runs.list_checkpoints(run_dir)
            if not listing:
                st.caption("The heatmap appears with the first weights the run saves.")
                return
            result, where = translate(run_dir, listing[-1].name, text), listing[-1].label
    except UserError as e:
        show_user_error(e)
        return
    st.plotly_chart(viz.attention_heatmap(result, title=f"{where}: {mark(result)}", compact=True),
                    key=f"{key}.heatmap")


# --- Run manager: who this browser is, the host, cached run rows and metrics, curve controls --------
# (issue 11: Train, Runs and the class on one server; see the README's "A class on one server")

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
    return runmeta.owner_hash(owner_token())


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
    owner = row_or_dir.get("owner") if isinstance(row_or_dir, dict) else runmeta.owner(row_or_dir)
    if owner:
        return owner == owner_hash()
    return host_password() is None


@st.cache_resource
def _metrics_cache():
    return metrics_core.MetricsCache(max_runs=64)


@st.cache_resource
def _run_index():
    return runindex.RunIndex(_metrics_cache())


def metrics_log(run_dir):
    """The run's metrics, read incrementally and shared by every session (core.metrics.MetricsLog)."""
    return _metrics_cache().get(run_dir)


def run_rows():
    """Rows (core.runindex) of the demo run and every run under RUNS_ROOT, newest first after the demo."""
    index = _run_index()
    demo = index.rows(DEMO_RUN) if os.path.isdir(DEMO_RUN) else []
    others = [r for r in index.rows(RUNS_ROOT) if os.path.normpath(r["path"]) != os.path.normpath(DEMO_RUN)]
    return demo + sorted(others, key=lambda r: r["started_at"] or 0, reverse=True)


def curve_controls(prefix, default_x="epoch", container=None):
    """TensorBoard's curve controls in one row: smoothing, log scale for the loss, and the x axis.

    -> {"smoothing": float, "log_y": bool, "x": one of core.curves.X_LABELS}; pass them to
    curves.loss_figure / curves.score_figure.
    """
    where = container or st
    # A row that wraps: in a narrow window the controls go onto the next line whole, where fixed columns
    # squeezed them (the toggle lost its label, the x choices stood one under the other).
    row = where.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    smoothing = row.slider("Smoothing", 0.0, 0.99, 0.6, 0.01, key=f"{prefix}.smoothing", width=260,
                           help="TensorBoard's smoothing: an exponential moving average (debiased at the "
                                "start); 0 draws the raw loss. The raw curve stays faint behind.")
    log_y = row.toggle("Log loss", True, key=f"{prefix}.log", help="Log scale for the loss axis")
    x = row.radio("x axis", list(curves.X_LABELS), index=list(curves.X_LABELS).index(default_x),
                  format_func=curves.X_LABELS.get, horizontal=True, key=f"{prefix}.x",
                  help="'examples seen' (iterations x batch size) and 'training time' compare runs "
                       "with different batch or data sizes")
    return {"smoothing": float(smoothing), "log_y": bool(log_y), "x": x}


def format_duration(seconds):
    """3 s, 2 min 05 s, 1 h 04 min: a duration to read at a glance."""
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
