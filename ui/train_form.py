"""The Train page's form: the data and the settings of a new run, read into one TrainForm, what the run
will cost (core/training/estimate.py, checked against the host's caps), and the training requests it
makes (core.jobs.start_queue takes them). The settings are an st.form: typing in them costs the
server nothing until Start, which checks the estimate and refuses a run over a cap."""
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
from ui.visitors import class_code_accepted, is_host

SOURCES = ["Built-in date generator", "Upload a file", "A data file on the server"]
COMPARISON = ["seq2seq", "peeky", "attention"]   # chapter 7's models against chapter 8's


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
    start: bool              # "Start training" was pressed
    comparison: bool         # "Queue the book's comparison" was pressed


def training_form():
    """The form's widgets -> a TrainForm (both buttons False until one is pressed)."""
    source = st.radio("Data", SOURCES, horizontal=True, key="train.source")
    with st.form("train.form", border=False):
        size, upload, server_file = 50_000, None, None
        if source == SOURCES[0]:
            size = st.number_input("Generator examples", 100, 1_000_000, 50_000, step=1000, key="train.size")
        elif source == SOURCES[1]:
            upload = st.file_uploader("Book-format file (question_answer per line, at most "
                                      f"{upload_limit_mb()} MB)", key="train.upload")
        else:
            server_file = data_file_picker("train.data_file", "Data file on the server")
        st.caption("Model and training. The defaults are the book's setting; 'fast' raises the learning rate.")
        c1, c2, c3, c4 = st.columns(4)
        preset_name = c1.selectbox("Preset", list(PRESETS), key="train.preset")
        model = c2.selectbox("Model", list(MODELS), key="train.model",
                             help="attention (chapter 8), or the chapter 7 baselines: seq2seq, peeky")
        epochs = c3.number_input("Epochs", 1, 100, 5, key="train.epochs")
        seed = c4.number_input("Seed", 0, 2**31 - 1, 0, key="train.seed")
        c1, c2 = st.columns(2)
        bidirectional = c1.checkbox("Bidirectional encoder (attention model, book section 8.4)",
                                    key="train.bidirectional")
        book_lstm = c2.checkbox("The book's LSTM: one bias", key="train.book_lstm",
                                help="By default each LSTM has two biases, as in PyTorch: the same function, "
                                     "but it learns faster. Tick to train the book's exact model.")
        defaults = preset(preset_name)
        c1, c2, c3, c4 = st.columns(4)
        hidden = c1.number_input("Hidden size", 4, 1024, defaults.hidden_size, key="train.hidden")
        wordvec = c2.number_input("Embedding size", 2, 256, defaults.wordvec_size, key="train.wordvec")
        batch = c3.number_input("Batch size", 1, 1024, defaults.batch_size, key="train.batch")
        lr = c4.number_input("Learning rate", 1e-5, 1.0, None, format="%.4f", key="train.lr",
                             placeholder=f"preset: {defaults.lr}")
        inside = st.number_input("Checkpoints inside training", 0, 100, defaults.iter_checkpoints,
                                 key="train.iter_checkpoints",
                                 help="Saved besides each epoch's end, from the initial weights on, dense early "
                                      "and sparse later, to replay attention forming (Compare). 0: none. "
                                      "About 2.4 MB each at the book's size.")
        code = (st.text_input("Class code", type="password", key="train.class_code",
                              help="The code your teacher gave the class: this server trains only for it")
                if settings.text("class_code") and not is_host() else "")
        c1, c2 = st.columns([1, 3])
        start = c1.form_submit_button("Start training", type="primary", key="train.start")
        comparison = c2.form_submit_button(
            "Queue the book's comparison: seq2seq, peeky, attention", key="train.comparison",
            help="Three runs with the data and settings above, one after another: chapter 7's models "
                 "against chapter 8's. Watch them overlaid here and on the Compare page.")
    form = TrainForm(source, int(size), upload, server_file, preset_name, model, int(epochs), int(seed),
                     bool(bidirectional), bool(book_lstm), int(hidden), int(wordvec), int(batch),
                     None if lr is None else float(lr), int(inside), code, bool(start), bool(comparison))
    return form


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
            "data_sha256": server_files.sha256(raw), "raw": raw}, None


def requests(form):
    """-> ([(TrainConfig, label)], upload or None, notes): one run, or the book's comparison of three,
    and warnings to show with it (a run too short for attention to form). Raises UserError for a
    setting out of its limits or over the host's caps, or bad data."""
    fields, upload = data_source(form)
    if not class_code_accepted(form.class_code):
        raise UserError("this server trains only for its class: type the class code your teacher gave you")
    caps = None if is_host() else settings.caps()
    examples = form.size if upload is None and fields["data"] == "generator" else _lines(fields, upload)
    made, notes = [], []
    for name in (COMPARISON if form.comparison else [form.model]):
        config = preset(form.preset_name, **overrides(form, name, fields)).checked()
        cost = estimate(config, examples)
        notes += [n for n in [too_short(config, cost)] if n and n not in notes]
        if caps:
            problems = over_caps(cost, caps)
            if problems:
                raise UserError(f"too big for this server: {problems[0]}")
            config = replace(config, max_minutes=caps.minutes, max_checkpoint_mb=caps.disk_mb)
        config = replace(config, workers=settings.workers_per_run())   # the cores it reserves (core.jobs)
        made.append((config, name + ("-bi" if config.bidirectional else "")))
    return made, upload, notes


def overrides(form, name, fields):
    """The TrainConfig fields the form sets for model `name`."""
    chosen = dict(model=name, epochs=form.epochs, seed=form.seed, **fields, data_size=form.size,
                  hidden_size=form.hidden, wordvec_size=form.wordvec, batch_size=form.batch,
                  bidirectional=form.bidirectional and name == "attention", iter_checkpoints=form.inside,
                  lstm_biases=1 if form.book_lstm else 2)
    if form.lr is not None:
        chosen["lr"] = form.lr
    return chosen


def _lines(fields, upload):
    """Examples in a data file: its lines (an upload in memory, or the server file just read)."""
    raw = upload.content if upload is not None else fields.pop("raw")
    return raw.count(b"\n") + (not raw.endswith(b"\n"))
