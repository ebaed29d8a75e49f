"""The Errors page's evaluations, shared by every visitor (ui/shared.py): the same checkpoint on the
same data is decoded once, whoever asks, and a second visitor asking meanwhile waits for the first.

An evaluation decodes with its own copy of the model, not the shared one the Attention page translates
with, so a typed date never waits for 50,000 lines to finish decoding.
"""
import streamlit as st

from core import data, rundir
from core.decoding import evaluation
from core.errors import UserError
from core.rundir.task import run_data
from ui.models import checkpoint_mtime
from ui.paths import data_dirs
from ui.shared import SharedCache

_RESULTS = SharedCache(max_entries=8)    # (run, checkpoint, its mtime, data) -> Evaluation
_DATASETS = SharedCache(max_entries=4)   # data -> Dataset (the book's 50,000 lines take 0.5 s to read)
RUN_SPLIT, GENERATED, SERVER_FILE = "This run's test split", "Fresh generated dates", "A data file on the server"


def dataset(dataset_key):
    """The examples, read once per file version (name, size, mtime in the key) for every checkpoint.
    Keys: ("generated", n), ("file", name, size, mtime), ("run", run_dir): a file run's test split."""
    kind, arg = dataset_key[:2]
    if kind == "run":   # read once per server by core/rundir/task.py already
        test_set = run_data(arg).test_set
        if test_set is None:
            raise UserError("this run's data cannot be read: " + (run_data(arg).task.note or "no test split"))
        return test_set

    def make():
        if kind == "generated":
            return data.generated(arg, seed=2026)   # seed 2026 differs from every training default: unseen
        return data.read_server_file(arg, data_dirs())[2]
    return _DATASETS.get_or_make(dataset_key, make)


def sources(run_dir):
    """What the Errors page offers to evaluate a run on: its own test split (a run trained on a file),
    fresh generated dates (a date task), a data file of the server."""
    found = run_data(run_dir)
    return [RUN_SPLIT] * (found.test_set is not None) + [GENERATED] * found.task.dates + [SERVER_FILE]


def default_sources(run_dir):
    """The dataset keys to measure a run on when nothing was chosen: its test split, else generated dates."""
    found = run_data(run_dir)
    return [("run", run_dir)] * (found.test_set is not None) + [("generated", 2000)] * found.task.dates


def evaluation_data_applies(dataset_key, run_dir):
    """Whether a dataset key chosen on the Errors page (maybe for another run) fits this run."""
    return dataset_key[0] == "file" or dataset_key in default_sources(run_dir)


def describe(dataset_key):
    """"the run's test split", "fresh generated dates", "the file addition.txt"."""
    return {"run": "the run's test split", "generated": "fresh generated dates"}.get(
        dataset_key[0], f"the file {dataset_key[1]}")


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
        if dataset_key[0] == "generated":   # the forms this model learnt and reads (a run saved before
            examples = data.generated_for(examples, vocab)   # the generator grew knows fewer)
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
