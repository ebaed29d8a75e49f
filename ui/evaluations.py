"""The Errors page's evaluations, shared by every visitor (ui/shared.py): the same checkpoint on the
same data is decoded once, whoever asks, and a second visitor asking meanwhile waits for the first.

An evaluation decodes with its own copy of the model, not the shared one the Attention page translates
with, so a typed date never waits for 50,000 lines to finish decoding.
"""
import streamlit as st

from core import data, rundir
from core.decoding import evaluation
from ui.models import checkpoint_mtime
from ui.paths import data_dirs
from ui.shared import SharedCache

_RESULTS = SharedCache(max_entries=8)    # (run, checkpoint, its mtime, data) -> Evaluation
_DATASETS = SharedCache(max_entries=4)   # data -> Dataset (the book's 50,000 lines take 0.5 s to read)


def dataset(dataset_key):
    """The examples, read once per file version (name, size, mtime in the key) for every checkpoint."""
    def make():
        kind, arg = dataset_key[:2]
        if kind == "generated":
            return data.generated(arg, seed=2026)   # seed 2026 differs from every training default: unseen
        return data.read_server_file(arg, data_dirs())[2]
    return _DATASETS.get_or_make(dataset_key, make)


def evaluated(run_dir, checkpoint, dataset_key):
    """The Evaluation, decoded with a progress bar and Cancel (or taken from a visitor's earlier one).

    Cancel reruns the page: Streamlit then interrupts this script at the bar's next update (after a
    chunk), so decoding stops within one chunk; None when this rerun is the Cancel click itself.
    """
    key = (run_dir, checkpoint, checkpoint_mtime(run_dir, checkpoint), dataset_key)
    done = _RESULTS.get(key)
    if done is not None:
        return done
    if st.session_state.get("errors.cancel"):   # this rerun is the Cancel click: do not start again
        return None
    cancel = st.empty()
    cancel.button("Cancel", key="errors.cancel", icon=":material/cancel:")
    bar = st.progress(0.0, text="Reading the examples...")

    def make():
        examples = dataset(dataset_key)
        model, vocab, config, name = rundir.load_model(run_dir, checkpoint)   # its own copy: see above
        return evaluation.evaluate(model, vocab, config, examples, name, on_progress=lambda done, total:
                                   bar.progress(done / total, text=f"Decoding {done:,}/{total:,} examples..."))

    def waiting():
        bar.progress(0.0, text="Another visitor is evaluating the same checkpoint on the same data: waiting "
                               "for their result...")

    try:
        return _RESULTS.get_or_make(key, make, while_waiting=waiting)
    finally:
        bar.empty()
        cancel.empty()
