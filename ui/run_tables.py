"""Tables of runs: what each column of the Runs page's table means, and Compare's settings of the runs
it overlays, the ones that differ highlighted."""
import pandas as pd
import streamlit as st

from core import rundir
from core.errors import UserError
from core.training.config import differing_settings
from ui.pickers import best_accuracy_text
from ui.plain import escape_markdown
from ui.runs import BEST_ACCURACY_HELP, run_name

# The Runs table's columns, explained in their headers' tooltips.
RUNS_COLUMN_HELP = {
    "name": "The run's name (rename it below); its folder when it has none.",
    "state": "queued, running, finished, stopped (with why), failed, or damaged (a file of the run is unreadable).",
    "epochs": "Epochs finished / epochs planned.",
    "best test accuracy": BEST_ACCURACY_HELP,
    "model": "attention (the book's chapter 8), seq2seq or peeky (chapter 7); -bi: the encoder reads both ways.",
    "hidden": "Hidden size of the LSTMs.",
    "lr": "Learning rate (Adam).",
    "batch": "Examples per training step.",
    "data": "What it trained on and how much: the built-in generator and its number of examples, or a file "
            "and its size.",
    "seed": "Seed of the initial weights and the batch order.",
    "started": "When it started training (or was queued).",
    "yours": "Started by this browser: you can rename, stop or delete it.",
    "note": "Your note about the run.",
    "folder": "The run's folder under artifacts/runs: it never changes, links use it.",
}
DIFFERS_COLOR = "#ffe9a8"
# One column, "data" (as the Runs table writes it), stands for the data source's fields.
DATA_FIELDS = ("data", "data_size", "data_seed", "data_name", "data_size_bytes", "data_sha256")


def runs_column_config(**overrides):
    """column_config for the Runs table: every column with its help, `overrides` merged in."""
    config = {name: st.column_config.Column(help=text) for name, text in RUNS_COLUMN_HELP.items()}
    config.update(overrides)
    return config


def settings_table(paths, by_path):
    """The runs' settings, one row per run: the settings that differ between them, highlighted, whole
    (a static table wraps its cells, nothing is cut); the ones they share listed under it."""
    configs = {}
    for path in paths:
        try:
            configs[path] = rundir.read_config(path)
        except UserError:
            continue   # a run whose config went bad is listed on Runs as damaged
    if not configs:
        return
    differ, same = differing_settings(configs)
    data_differs = any(f in differ for f in DATA_FIELDS)
    differ = [f for f in differ if f not in DATA_FIELDS]
    rows = [{"run": run_name(by_path[p]), **{f: _shown(getattr(c, f)) for f in differ},   # what differs first
             "data": by_path[p]["data_label"], "best test accuracy": best_accuracy_text(by_path[p])}
            for p, c in configs.items()]
    table = pd.DataFrame(rows).map(lambda v: escape_markdown(str(v)))   # st.table reads Markdown
    highlighted = differ + (["data"] if data_differs else [])
    style = table.style.hide(axis="index")
    if highlighted and len(configs) > 1:
        style = style.set_properties(subset=highlighted, **{"background-color": DIFFERS_COLOR})
    st.table(style)
    shared = ", ".join(f"{k} {_shown(v)}" for k, v in same.items() if k not in DATA_FIELDS)
    if len(configs) > 1:
        st.caption(("Highlighted: the settings that differ. " if highlighted else "No setting differs. ")
                   + "Best test accuracy: " + BEST_ACCURACY_HELP)
        st.text(f"The same in every run: {shared}")
    else:
        st.text(f"Its settings: {shared}")


def _shown(value):
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "none" if value is None else str(value)
