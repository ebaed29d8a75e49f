"""Train: start a run (or queue it behind others) in a background process and watch it live."""
import os

import streamlit as st

import ui
from core import curves, data, datafiles, jobs, runs
from core import metrics as metrics_core
from core.config import PRESETS, preset
from core.errors import UserError
from core.models import MODELS
from core.train import validated

REFRESH_S = 1.5        # while something trains or waits
IDLE_REFRESH_S = 10.0  # otherwise: only to notice a run someone else starts
SOURCES = ["Built-in date generator", "Upload a file", "A data file on the server"]

ui.require_router(__file__)
st.title("Train")
me = ui.owner_hash()
live_slot = st.container()    # the live view comes first, so it is in sight after Start
queue = jobs.queue_state(ui.RUNS_ROOT)


def my_group():
    """The runs to follow: the group this tab started, else this browser's group in the queue."""
    watched = [d for d in st.session_state.get("train.watch", []) if os.path.isdir(d)]
    if watched:
        return watched
    groups = ([queue["current"]] if queue["current"] else []) + queue["waiting"]
    mine = [g for g in groups if g.get("owner") == me]
    return mine[0]["runs"] if mine else []


following = my_group()
active = bool(queue["current"] or queue["waiting"])
form_open = not any(runs.read_status(d).get("state") in runs.ACTIVE_STATES for d in following)

with st.expander("New training run", expanded=form_open, icon=":material/tune:"):
    source = st.radio("Data", SOURCES, horizontal=True, key="train.source")
    with st.form("train.form", border=False):
        size, upload, server_file = 50_000, None, None
        if source == SOURCES[0]:
            size = st.number_input("Generator examples", 100, 1_000_000, 50_000, step=1000, key="train.size")
        elif source == SOURCES[1]:
            upload = st.file_uploader(f"Book-format file (question_answer per line, at most "
                                      f"{datafiles.max_bytes() / 1e6:.0f} MB)", key="train.upload")
        else:
            server_file = ui.data_file_picker("train.data_file", "Data file on the server")
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
        c1, c2 = st.columns([1, 3])
        started = c1.form_submit_button("Start training", type="primary", key="train.start")
        comparison = c2.form_submit_button(
            "Queue the book's comparison: seq2seq, peeky, attention", key="train.comparison",
            help="Three runs with the data and settings above, one after another: chapter 7's models "
                 "against chapter 8's. Watch them overlaid here and on the Compare page.")
    if active:
        st.caption("Another run is training: a new one joins the queue and starts when its turn comes.")


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
                     iter_checkpoints=int(inside),
                     lstm_biases=1 if book_lstm else 2)
    if lr is not None:
        overrides["lr"] = float(lr)
    return validated(preset(preset_name, **overrides))


if started or comparison:
    try:
        names = ["seq2seq", "peeky", "attention"] if comparison else [model]
        source_fields, checked_upload = data_source()
        requests = [(requested_config(name, source_fields),
                     name + ("-bi" if bidirectional and name == "attention" else "")) for name in names]
        limit = None if ui.is_host() else ui.max_runs_per_visitor()
        st.session_state["train.watch"] = jobs.start_queue(ui.RUNS_ROOT, requests, owner=me, max_per_owner=limit,
                                                           upload=checked_upload)
        st.rerun()   # the live view takes the top of the page, the form folds away
    except UserError as e:
        ui.show_user_error(e)


def display_name(run_dir):
    return os.path.basename(run_dir)


def whose(group):
    return "yours" if group.get("owner") == me else "another visitor's"


def queue_panel(state, group):
    """Where the server's trainer is: what trains now and who waits, with this browser's place."""
    if not (state["current"] or state["waiting"]):
        return
    lines = []
    if state["current"]:
        lines.append(f"Training now: {', '.join(map(display_name, state['current']['runs']))} "
                     f"({whose(state['current'])})")
    for place, waiting in enumerate(state["waiting"], start=1):
        lines.append(f"{place}. waiting: {', '.join(map(display_name, waiting['runs']))} ({whose(waiting)})")
    place = next((n for n, g in enumerate(state["waiting"], start=1) if set(g["runs"]) & set(group)), None)
    title = f"Server queue: yours is number {place} in line" if place else "Server queue"
    with st.expander(title, expanded=bool(place), icon=":material/queue:"):
        st.text("\n".join(lines))   # run names as plain text


def group_table(group):
    """Every run of a queued group with its state (the comparison's three runs, for example)."""
    rows = []
    for run_dir in group:
        status = runs.read_status(run_dir)
        rows.append({"run": display_name(run_dir), "state": status.get("state", "unknown"),
                     "epochs": f"{len(runs.epochs(run_dir))}/{status.get('epochs') or runs.read_config(run_dir).epochs}",
                     "best test accuracy": ui.metrics_log(run_dir).best_accuracy()})
    st.dataframe(rows, hide_index=True, key="train.group", column_config={
        "best test accuracy": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.4f")})


def current_of(group):
    """The run of the group to follow live: the one training, else the next waiting, else the last."""
    states = {d: runs.read_status(d).get("state") for d in group}
    for wanted in ("running", "queued"):
        for run_dir in group:
            if states[run_dir] == wanted:
                return run_dir
    return group[-1]


def progress(run_dir, status, log):
    state = status.get("state", "unknown")
    done, total = status.get("iteration", 0), status.get("total_iters") or 0
    label = f"epoch {status.get('epoch', 0)} of {status.get('epochs', '?')} done, iteration {done}/{total}"
    if state == "running":
        eta = metrics_core.eta_seconds(log, status)
        label += f" · about {ui.format_duration(eta)} left" if eta is not None else " · measuring speed..."
    elif state == "queued":
        label = "waiting for its turn" if status.get("total_iters") is None else label
    st.progress(min(done / total, 1.0) if total else 0.0, text=label)


def controls(run_dir, status, group):
    state = status.get("state")
    if state in runs.ACTIVE_STATES:
        if ui.can_manage(run_dir):
            if st.button("Stop", key="train.stop", icon=":material/stop:",
                         help="Stops this run and cancels the runs of its queue that have not started"):
                st.toast(ui.plain_text(jobs.stop(run_dir)))   # says what really happened
        else:
            st.caption("Started by another visitor: only they or the host can stop it.")
    elif state == "failed":
        ui.plain_error(f"The run failed: {status.get('error') or 'no error text'}")
    elif state == "stopped":
        st.warning(f"Stopped by request; {len(runs.epochs(run_dir))} finished epochs kept.")


def series_of(group):
    """A curves.Series per run of the group that has a config (the loss overlay across its runs)."""
    found = []
    for run_dir in group:
        try:
            config = runs.read_config(run_dir)
        except UserError:
            continue
        status = runs.read_status(run_dir)
        found.append(curves.series_from_log(display_name(run_dir), ui.metrics_log(run_dir), config.batch_size,
                                            status.get("iters_per_epoch")))
    return found


def x_span(x, status, batch_size):
    """The planned end of training in x's unit: it frames the charts before the first point."""
    total, planned = status.get("total_iters"), status.get("epochs")
    return {"epoch": planned, "iteration": total, "examples": total * batch_size if total else None}.get(x)


def loss_chart(where, series, options, x_max, run_dir):
    figure = curves.loss_figure(series, x=options["x"], smoothing=options["smoothing"], log_y=options["log_y"],
                                x_max=x_max)
    own = next((one for one in series if one.name == display_name(run_dir)), None)
    if own is not None:   # where the watched run saved checkpoints
        log = ui.metrics_log(run_dir)
        curves.mark_checkpoints(figure, log.other + list(log.epochs), options["x"], own.batch_size,
                                own.iters_per_epoch)
    where.plotly_chart(figure, key="train.loss")


def score_chart(where, series, options, x_max):
    where.plotly_chart(curves.score_figure(series, x=options["x"], x_max=x_max, title="Test scores per epoch"),
                       key="train.accuracy")


def has_attention(run_dir):
    try:
        return runs.read_config(run_dir).model == "attention"
    except UserError:
        return False


def charts(run_dir, status, group):
    """Loss and per-epoch scores, the group's runs overlaid when it has several; beside them, the
    attention of a probe date at the newest weights of the run that trains."""
    options = ui.curve_controls("train.curves")
    drawn = [s for s in series_of(group) if len(s.iteration) or s.name == display_name(run_dir)]
    x_max = x_span(options["x"], status, drawn[0].batch_size if drawn else 1)
    left, right = st.columns(2)
    loss_chart(left, drawn, options, x_max, run_dir)
    if not has_attention(run_dir):
        score_chart(right, drawn, options, x_max)
        return
    score_chart(left, drawn, options, x_max)
    with right:
        st.markdown("**Attention, live**")
        ui.live_attention(run_dir)
        st.caption("Rows: output characters; columns: the probe's characters. Redrawn every few seconds from "
                   "the newest weights: watch the columns sharpen as the loss drops.")


def live_view(group, watching_other):
    state = jobs.queue_state(ui.RUNS_ROOT)
    if bool(state["current"] or state["waiting"]) != active:
        st.rerun()   # a run started or ended: the whole page adapts (form folded or open, refresh rate)
    if not group:
        st.info("No training run yet. Set one up below and press Start.")
        return
    run_dir = current_of(group)
    status = runs.read_status(run_dir)
    log = ui.metrics_log(run_dir)
    st.subheader(f"{display_name(run_dir)}: {status.get('state', 'unknown')}")
    if watching_other:
        st.caption("Training now for another visitor: you can watch it. Your own runs start from the form below.")
    queue_panel(state, group)
    if len(group) > 1:
        group_table(group)
    progress(run_dir, status, log)
    controls(run_dir, status, group)
    charts(run_dir, status, group)


def newest_of_mine():
    """After a reload, with nothing of this browser's in the queue: its latest run, finished or not."""
    mine = [r for r in ui.run_rows() if r.get("owner") == me]
    return [max(mine, key=lambda r: r["started_at"] or 0)["path"]] if mine else []


watching_other = not following and queue["current"] is not None
shown = following or (queue["current"]["runs"] if queue["current"] else newest_of_mine())
with live_slot:
    st.fragment(live_view, run_every=REFRESH_S if active else IDLE_REFRESH_S)(shown, watching_other)
