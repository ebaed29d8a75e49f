"""Pickers: a run, one of its checkpoints, a data file of the server, an example input."""
import hashlib
import os

import streamlit as st

from core.data import server_files, tasks
from ui import runs
from ui.paths import data_dirs, shown_path
from ui.plain import escape_markdown
from ui.runs import run_name

EXAMPLES = list(tasks.DATE_EXAMPLES)


def best_accuracy_text(row):
    """A row's best accuracy as every page writes it ("99.92%"), or "" when no epoch has ended."""
    return "" if row["best_accuracy"] is None else f"{row['best_accuracy']:.2%}"


def run_label(row):
    """"demo (best 99.92%)", or the state while no epoch has ended: short, the sidebar is narrow."""
    best = best_accuracy_text(row)
    return f"{run_name(row)} ({'best ' + best if best else row['state']})"


def keep_choice(key, options):
    """Call before a selectbox whose labels may change between reruns (a run renamed, its best accuracy
    risen). Streamlit stores a selectbox's choice as the label the browser showed, and a label that no
    longer exists falls back to the first option: the page jumped to the demo run. Written back as a
    value, the choice survives its label."""
    if st.session_state.get(key) in options:
        st.session_state[key] = st.session_state[key]


def run_picker(key, label="Run", only_with_checkpoints=True, container=None):
    """A selectbox of runs; returns the chosen row (core.rundir.listing), or None (with a note) when
    there is none."""
    where = container or st.sidebar
    options = [r for r in runs.run_rows() if r["epochs"] > 0 or not only_with_checkpoints]
    if not options:
        where.info("No run with a finished epoch yet: start one on the Train page.")
        return None
    by_path = {r["path"]: r for r in options}
    keep_choice(key, by_path)
    path = where.selectbox(label, list(by_path), format_func=lambda p: run_label(by_path[p]), key=key,
                           help="Best: " + runs.BEST_ACCURACY_HELP)
    return by_path[path]


def checkpoint_picker(run_dir, key, label="Checkpoint"):
    """A slider over a run's checkpoints in training order, the latest selected by default.

    Returns the checkpoint's name ("epoch_003", "iter_0000150"); labels show epoch, iteration and the
    test accuracy recorded with it.
    """
    listing = runs.checkpoint_listing(run_dir)
    labels = {c.name: c.label or c.name for c in listing}
    names = list(labels)
    if len(names) == 1:
        st.caption(f"Checkpoint: {labels[names[0]]} (the only one)")
        return names[0]
    # A new run starts at its latest checkpoint: a name left from the run before (its epoch_003, say)
    # would otherwise be kept while the slider drew another position (issue 20). A link sets both.
    if st.session_state.get(f"{key}.run") != run_dir or st.session_state.get(key) not in names:
        st.session_state[key] = names[-1]
        st.session_state[f"{key}.run"] = run_dir
    return st.select_slider(label, options=names, format_func=labels.get, key=key,
                            help="Every checkpoint of the run in training order: inside training (by "
                                 "iteration) and at each epoch's end, with its test accuracy.")


def run_widget_key(run_dir):
    """A short id of a run for widget keys ("compare.epochs.<id>"): keyed so, another run's widget is a new
    widget, which starts from its `default` (a value the browser draws with the widget, unlike one set
    through session state)."""
    return hashlib.sha1(os.path.normpath(run_dir).encode("utf-8")).hexdigest()[:12]


def run_and_checkpoint_picker(prefix):
    """Sidebar pickers of a run and one of its checkpoints; stops the page (with a note) when there is none."""
    run = run_picker(f"{prefix}.run")
    if run is None:
        st.stop()
    with st.sidebar:
        checkpoint = checkpoint_picker(run["path"], f"{prefix}.epoch")
    return run, checkpoint


def data_file_picker(key, label="Data file", container=None):
    """A selectbox of the allowed data folders' files (never a free path); returns a DataFile or None."""
    where = container or st
    files = server_files.list_files(data_dirs())
    if not files:
        where.info("No data files on the server: the host puts book-format files into "
                   f"{shown_path(data_dirs()[0])}/ (README, Hosting).")
        return None
    by_name = {f.name: f for f in files}
    keep_choice(key, by_name)
    name = where.selectbox(label, list(by_name), key=key,
                           format_func=lambda n: f"{n} ({by_name[n].size / 1e6:.2f} MB)")
    return by_name.get(name)


def example_buttons(key, state_key, examples=EXAMPLES):
    """One button per example input (the run's task's: core.data.tasks); a click puts it into the text
    box named state_key."""
    st.caption("Examples:" if examples is EXAMPLES else "Examples from this run's test split:")
    # a wrapping row of buttons as wide as their text: never cut, whatever the window's width
    with st.container(horizontal=True, wrap=True, gap="small"):
        for n, example in enumerate(examples):
            st.button(escape_markdown(example), key=f"{key}.{n}", on_click=st.session_state.__setitem__,
                      args=(state_key, example), width="content")
