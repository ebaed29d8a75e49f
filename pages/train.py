"""Train: start a run in a background process and watch it live."""
import os

import streamlit as st

import ui
from core import data, datafiles, jobs, runs, viz
from core.config import PRESETS, preset
from core.errors import UserError
from core.models import MODELS
from core.train import validated

REFRESH_S = 1.5

ui.require_router(__file__)
st.title("Train")

with st.form("train.form"):
    source = st.radio("Data", ["Built-in date generator", "Upload a file", "A data file on the server"],
                      horizontal=True, key="train.source")
    c1, c2 = st.columns(2)
    size = c1.number_input("Generator examples", 100, 1_000_000, 50_000, step=1000, key="train.size")
    upload = c2.file_uploader(f"Book-format file (question_answer per line, at most "
                              f"{datafiles.max_bytes() / 1e6:.0f} MB)", key="train.upload")
    server_file = ui.data_file_picker("train.data_file", "Data file on the server", container=c2)
    st.caption("Model and training. The defaults are the book's setting; 'fast' raises the learning rate.")
    c1, c2, c3, c4 = st.columns(4)
    preset_name = c1.selectbox("Preset", list(PRESETS), key="train.preset")
    model = c2.selectbox("Model", list(MODELS), key="train.model",
                         help="attention (chapter 8), or the chapter 7 baselines: seq2seq, peeky")
    epochs = c3.number_input("Epochs", 1, 100, 5, key="train.epochs")
    seed = c4.number_input("Seed", 0, 2**31 - 1, 0, key="train.seed")
    c1, c2 = st.columns(2)
    bidirectional = c1.checkbox("Bidirectional encoder (attention model, book section 8.4)", key="train.bidirectional")
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
    c1, c2 = st.columns([1, 3])
    started = c1.form_submit_button("Start training", type="primary", key="train.start")
    comparison = c2.form_submit_button(
        "Queue the book's comparison: seq2seq, peeky, attention", key="train.comparison",
        help="Three runs with the data and settings above, one after another: chapter 7's models "
             "against chapter 8's. Watch them overlaid on the Compare page.")


def data_source():
    """-> (config overrides naming the data, validated upload or None); a bad file raises UserError.

    An upload is validated here, in memory, and only kept once the run starts: jobs.start_queue writes
    it into each run's own directory. A server file must be one of the allowed data folders' files.
    """
    if source == "Built-in date generator":
        return {"data": "generator"}, None
    if source == "Upload a file":
        if upload is None:
            raise UserError("choose a file to upload first")
        return {}, data.checked_upload(upload.name, upload.getvalue())
    if server_file is None:
        raise UserError("no data file on the server to choose")
    chosen = datafiles.resolve(server_file.name, ui.data_dirs())   # still there, still allowed
    raw = datafiles.read_bounded(chosen.path, shown=chosen.name)
    data.parse_book_format(raw, chosen.name)   # check it now: a bad line is reported here, with its number
    return {"data": chosen.path, "data_name": chosen.name, "data_size_bytes": len(raw),
            "data_sha256": datafiles.sha256(raw)}, None


def requested_config(model_name, source):
    overrides = dict(model=model_name, epochs=int(epochs), seed=int(seed), **source,
                     data_size=int(size), hidden_size=int(hidden), wordvec_size=int(wordvec),
                     batch_size=int(batch), bidirectional=bool(bidirectional) and model_name == "attention",
                     lstm_biases=1 if book_lstm else 2)
    if lr is not None:
        overrides["lr"] = float(lr)
    return validated(preset(preset_name, **overrides))


if started or comparison:
    try:
        names = ["seq2seq", "peeky", "attention"] if comparison else [model]
        source_fields, checked_upload = data_source()
        queue = [(requested_config(name, source_fields), name + ("-bi" if bidirectional and name == "attention" else ""))
                 for name in names]
        run_dirs = jobs.start_queue(ui.RUNS_ROOT, queue, upload=checked_upload)
        st.session_state["train.watch"] = run_dirs[0]
        st.success("Started " + ", then ".join(os.path.basename(d) for d in run_dirs) + ".")
    except UserError as e:
        ui.show_user_error(e)


def watched_run():
    """The run to show: a running one, else the one this tab started, else the newest."""
    active = jobs.active_runs(ui.RUNS_ROOT)
    running = [r for r in active if runs.read_status(r).get("state") == "running"]
    if running or active:
        return (running or active)[0]
    mine = st.session_state.get("train.watch")
    if mine and os.path.isdir(mine):
        return mine
    listed = sorted(runs.list_runs(ui.RUNS_ROOT), key=lambda r: r["started_at"] or 0)
    return listed[-1]["path"] if listed else None


@st.fragment(run_every=REFRESH_S)
def live_view():
    run_dir = watched_run()
    if run_dir is None:
        st.info("No training run yet. Set it up above and press Start.")
        return
    status = runs.read_status(run_dir)
    state = status.get("state", "unknown")
    total = status.get("total_iters") or 0
    done = status.get("iteration", 0)
    st.subheader(f"{os.path.basename(run_dir)}: {state}")
    eta = status.get("eta_s")
    label = (f"{status.get('epoch', 0)} of {status.get('epochs', '?')} epochs done, iteration {done}/{total}"
             + (f", ETA {eta:.0f} s" if eta and state == "running" else ""))
    st.progress(min(done / total, 1.0) if total else 0.0, text=label)
    waiting = [os.path.basename(r) for r in jobs.active_runs(ui.RUNS_ROOT)
               if r != run_dir and runs.read_status(r).get("state") == "queued"]
    if waiting:
        st.caption("Queued next: " + ", ".join(waiting))
    if state in runs.ACTIVE_STATES:
        if st.button("Stop", key="train.stop", icon=":material/stop:", help="Also cancels the queued runs"):
            st.toast(ui.plain_text(jobs.stop(run_dir)))   # says what really happened
    elif state == "failed":
        ui.plain_error(f"The run failed: {status.get('error') or 'no error text'}")
    elif state == "stopped":
        st.warning(f"Stopped by request; {len(runs.epochs(run_dir))} finished epochs kept.")
    metrics = runs.read_metrics(run_dir)
    left, right = st.columns(2)
    left.plotly_chart(viz.loss_curve(metrics), key="train.loss")
    epochs = [r for r in metrics if r.get("type") == "epoch"]
    series = {"test accuracy": [(r["epoch"], r["test_accuracy"]) for r in epochs],
              "alignment score": [(r["epoch"], r["alignment"]) for r in epochs if r.get("alignment") is not None]}
    right.plotly_chart(viz.accuracy_curves(series, title="Per epoch", y_title="score"), key="train.accuracy")


live_view()
