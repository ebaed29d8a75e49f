"""The Train page's form: the data and the settings of a new run, read into one TrainForm, what the run
will cost (core/training/estimate.py, checked against the host's caps), and the training requests it
makes (core.jobs.start_queue takes them).

The page runs the form inside an st.fragment (no st.form), so a changed setting reruns only the form
and its estimate follows at once (ui/train_estimate.py). Every part whose number of elements varies
(the data source's fields, the estimate) sits in a container of its own, so the widgets after it keep
their places while the fragment redraws: a widget that moved would show twice for a moment.
"""
from dataclasses import dataclass, replace

import streamlit as st

from core import data
from core.data import server_files
from core.errors import UserError
from core.model.registry import MODELS
from core.training.config import PRESETS, preset
from core.training.estimate import estimate, over_caps, too_short
from ui import settings
from ui.paths import data_dirs
from ui.pickers import data_file_picker
from ui.shared import SharedCache
from ui.visitors import class_code_accepted, is_host

SOURCES = ["Built-in date generator", "Upload a file", "A data file on the server"]
COMPARISON = ["seq2seq", "peeky", "attention"]   # chapter 7's models against chapter 8's
FIELD_PX = 180   # a setting's width: four to a row at 1400 px, two at 900 px (sidebar open), never cut
_line_counts = SharedCache(max_entries=32)   # (server file, size, mtime) -> its lines


@dataclass
class TrainForm:
    source: str
    size: int
    upload: object           # Streamlit's UploadedFile or None
    server_file: object      # a server_files.DataFile or None
    preset_name: str
    model: str
    epochs: int
    seed: int
    bidirectional: bool
    book_lstm: bool
    hidden: int
    wordvec: int
    batch: int
    lr: float | None         # None: the preset's
    inside: int              # checkpoints inside training
    class_code: str          # what was typed in the class-code box ("" when the host set no code)
    start: bool = False      # "Start training" was pressed
    comparison: bool = False  # "Queue the book's comparison" was pressed


def row():
    """A row of settings that wraps onto the next line when the window is narrow."""
    return st.container(horizontal=True, wrap=True, gap="small")


def training_form():
    """The data and settings widgets -> a TrainForm (the buttons are start_buttons')."""
    source = st.radio("Data", SOURCES, horizontal=True, key="train.source")
    size, upload, server_file = 50_000, None, None
    with st.container():   # one, two or no elements: the widgets below keep their places
        if source == SOURCES[0]:
            size = st.number_input("Generator examples", 100, 1_000_000, 50_000, step=1000, key="train.size",
                                   width=2 * FIELD_PX)
        elif source == SOURCES[1]:
            upload = st.file_uploader("Book-format file (question_answer per line, at most "
                                      f"{upload_limit_mb()} MB)", key="train.upload")
        else:
            server_file = data_file_picker("train.data_file", "Data file on the server")
    st.caption("Model and training. The defaults are the book's setting; 'fast' raises the learning rate.")
    with row():
        preset_name = st.selectbox("Preset", list(PRESETS), key="train.preset", width=FIELD_PX)
        model = st.selectbox("Model", list(MODELS), key="train.model", width=FIELD_PX,
                             help="attention (chapter 8), or the chapter 7 baselines: seq2seq, peeky")
        epochs = st.number_input("Epochs", 1, 100, 5, key="train.epochs", width=FIELD_PX)
        seed = st.number_input("Seed", 0, 2**31 - 1, 0, key="train.seed", width=FIELD_PX)
    defaults = preset(preset_name)
    with row():
        hidden = st.number_input("Hidden size", 4, 1024, defaults.hidden_size, key="train.hidden", width=FIELD_PX)
        wordvec = st.number_input("Embedding size", 2, 256, defaults.wordvec_size, key="train.wordvec",
                                  width=FIELD_PX)
        batch = st.number_input("Batch size", 1, 1024, defaults.batch_size, key="train.batch", width=FIELD_PX)
        lr = st.number_input("Learning rate", 1e-5, 1.0, None, format="%.4f", key="train.lr", width=FIELD_PX,
                             placeholder=f"preset: {defaults.lr}")
    with row():
        bidirectional = st.checkbox("Bidirectional encoder (attention model, book section 8.4)",
                                    key="train.bidirectional")
        book_lstm = st.checkbox("The book's LSTM: one bias", key="train.book_lstm",
                                help="By default each LSTM has two biases, as in PyTorch: the same function, "
                                     "but it learns faster. Tick to train the book's exact model.")
    inside = st.number_input("Checkpoints inside training", 0, 100, defaults.iter_checkpoints,
                             key="train.iter_checkpoints", width=2 * FIELD_PX,
                             help="Saved besides each epoch's end, from the initial weights on, dense early "
                                  "and sparse later, to replay attention forming (Compare). 0: none. "
                                  "About 2.4 MB each at the book's size.")
    code = (st.text_input("Class code", type="password", key="train.class_code", width=2 * FIELD_PX,
                          help="The code your teacher gave the class: this server trains only for it")
            if settings.text("class_code") and not is_host() else "")
    return TrainForm(source, int(size), upload, server_file, preset_name, model, int(epochs), int(seed),
                     bool(bidirectional), bool(book_lstm), int(hidden), int(wordvec), int(batch),
                     None if lr is None else float(lr), int(inside), code)


def start_buttons(form):
    """Start and the book's comparison, in a row that wraps (never cut) -> form with the one pressed."""
    with row():
        start = st.button("Start training", type="primary", key="train.start")
        comparison = st.button(
            "Queue the book's comparison: seq2seq, peeky, attention", key="train.comparison",
            help="Three runs with the data and settings above, one after another: chapter 7's models "
                 "against chapter 8's. Watch them overlaid here and on the Compare page.")
    return replace(form, start=bool(start), comparison=bool(comparison))


def upload_limit_mb():
    try:
        return f"{server_files.max_bytes() / 1e6:.0f}"
    except UserError:   # a bad ATTENTION_LAB_MAX_DATA_MB: the page says so above (ui.settings.problems)
        return "?"


def data_source(form):
    """-> (config fields naming the data, validated upload or None); a bad file raises UserError.

    An upload is validated here, in memory, and only kept once the run starts: core.jobs writes it into
    each run's own directory. A server file must be one of the allowed data folders' files.
    """
    if form.source == SOURCES[0]:
        return {"data": "generator"}, None
    if form.source == SOURCES[1]:
        if form.upload is None:
            raise UserError("choose a file to upload first")
        return {}, data.checked_upload(form.upload.name, form.upload.getvalue())
    if form.server_file is None:
        raise UserError("no data file on the server to choose")
    chosen, raw, _ = data.read_server_file(form.server_file.name, data_dirs())   # a bad line is reported now
    return {"data": chosen.path, "data_name": chosen.name, "data_size_bytes": len(raw),
            "data_sha256": server_files.sha256(raw)}, None


def requests(form):
    """-> ([(TrainConfig, label)], upload or None, notes): one run, or the book's comparison of three,
    and warnings to show with it (a run too short for attention to form). Raises UserError for a
    setting out of its limits or over the host's caps, or bad data."""
    fields, upload = checked_data(form)
    made, notes = [], []
    for name in (COMPARISON if form.comparison else [form.model]):
        config, note = for_this_server(preset(form.preset_name, **overrides(form, name, fields)).checked(),
                                       file_examples(form))
        notes += [note] if note and note not in notes else []
        made.append((config, name + ("-bi" if config.bidirectional else "")))
    return made, upload, notes


def checked_data(form):
    """data_source(form) once the class code is accepted -> (config fields, upload or None)."""
    fields, upload = data_source(form)
    if not class_code_accepted(form.class_code):
        raise UserError("this server trains only for its class: type the class code your teacher gave you")
    return fields, upload


def for_this_server(config, examples=None):
    """A checked config as this server trains it -> (config, too-short warning or None): with the host's
    caps (UserError when its estimate is over one; the host has none) and the workers each run reserves.
    examples: the data's size (None: the generator's data_size)."""
    cost = estimate(config, config.data_size if examples is None else examples)
    caps = None if is_host() else settings.caps()
    if caps:
        problems = over_caps(cost, caps)
        if problems:
            raise UserError(f"too big for this server: {problems[0]}")
        config = replace(config, max_minutes=caps.minutes, max_checkpoint_mb=caps.disk_mb)
    return replace(config, workers=settings.workers_per_run()), too_short(config, cost)


def overrides(form, name, fields=None):
    """The TrainConfig fields the form sets for model `name` (fields: the data's; default the generator)."""
    chosen = dict(model=name, epochs=form.epochs, seed=form.seed, **(fields or {"data": "generator"}),
                  data_size=form.size, hidden_size=form.hidden, wordvec_size=form.wordvec,
                  batch_size=form.batch, bidirectional=form.bidirectional and name == "attention",
                  iter_checkpoints=form.inside, lstm_biases=1 if form.book_lstm else 2)
    if form.lr is not None:
        chosen["lr"] = form.lr
    return chosen


def file_examples(form):
    """A data file's examples, None for the generator (its configs say their data_size)."""
    return None if form.source == SOURCES[0] else examples(form)


def examples(form):
    """How many examples the form's data has (a file's lines), cheaply: None while no file is chosen."""
    if form.source == SOURCES[0]:
        return form.size
    if form.source == SOURCES[1]:
        return None if form.upload is None else _count_lines(form.upload.getvalue())
    chosen = form.server_file
    if chosen is None:
        return None
    return _line_counts.get_or_make((chosen.path, chosen.size, chosen.mtime_ns), lambda: _count_lines(
        server_files.read_bounded(chosen.path, shown=chosen.name)))


def _count_lines(raw):
    return raw.count(b"\n") + (bool(raw) and not raw.endswith(b"\n"))
