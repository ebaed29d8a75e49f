"""The Train page's view of a group of runs while it trains: the server's queue, the group's runs,
progress with an ETA, Stop, and the live charts (loss, scores, a probe date's attention)."""

import os

import streamlit as st

from core import jobs, rundir
from core.errors import UserError
from core.rundir import meta
from core.rundir.metrics import eta_seconds
from core.training.schedule import planned_checkpoints
from core.viz import curves
from ui import runs
from ui.curve_controls import curve_controls
from ui.formatting import format_duration
from ui.live import live_attention
from ui.plain import plain_error, plain_text
from ui.visitors import can_manage

PLATEAU_ACCURACY = 0.01   # a finished run below this never left the plateau (every answer alike)


def display_name(run_dir):
    return runs.name_of(run_dir)   # its name, as every page shows it (with the folder when renamed)


def whose(group, me):
    return "yours" if group.get("owner") == me else "another visitor's"


def queue_panel(state, group, me):
    """Where the server's trainer is: what trains now (several runs at once where cores allow) and who
    waits, with this browser's place."""
    if not (state["running"] or state["waiting"]):
        return
    lines = [f"Training now: {', '.join(map(display_name, g['runs']))} ({whose(g, me)}, {g.get('cores', '?')} "
             f"core(s){' on ' + g['node'] if g.get('node') else ''})" for g in state["running"]]
    for place, waiting in enumerate(state["waiting"], start=1):
        cluster = ", waiting for free CPUs on the cluster" if waiting.get("cluster") else ""
        lines.append(f"{place}. waiting: {', '.join(map(display_name, waiting['runs']))} ({whose(waiting, me)}"
                     f"{cluster})")
    place = next((n for n, g in enumerate(state["waiting"], start=1) if set(g["runs"]) & set(group)), None)
    title = f"Server queue: yours is number {place} in line" if place else "Server queue"
    with st.expander(title, expanded=bool(place), icon=":material/queue:"):
        st.text("\n".join(lines))   # run names as plain text


def group_table(group):
    """Every run of a queued group with its state (the comparison's three runs, a sweep's runs with their
    setting)."""
    rows = []
    for run_dir in group:
        status = rundir.read_status(run_dir)
        setting = meta.read(run_dir).get("setting")   # a sweep's runs: what each one varies
        rows.append({"run": display_name(run_dir), **({"setting": setting} if setting else {}),
                     "state": status.get("state", "unknown"),
                     "epochs": f"{len(rundir.epochs(run_dir))}/{status.get('epochs') or rundir.read_config(run_dir).epochs}",
                     "best test accuracy": runs.metrics_log(run_dir).best_accuracy()})
    st.dataframe(rows, hide_index=True, key="train.group", column_config={
        "best test accuracy": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="percent")})


def current_of(group):
    """The run of the group to follow live: the one training, else the next waiting, else the last."""
    states = {d: rundir.read_status(d).get("state") for d in group}
    for wanted in ("running", "queued"):
        for run_dir in group:
            if states[run_dir] == wanted:
                return run_dir
    return group[-1]


def planned_checkpoints_of(run_dir, status):
    """The iterations the run saves checkpoints at inside training (the ETA counts those ahead)."""
    try:
        config = rundir.read_config(run_dir)
    except UserError:
        return []
    if not status.get("iters_per_epoch") or not status.get("total_iters"):
        return []
    return planned_checkpoints(config, status["iters_per_epoch"], status["total_iters"])


def progress(run_dir, status, log):
    state = status.get("state", "unknown")
    done, total = status.get("iteration", 0), status.get("total_iters") or 0
    label = f"epoch {status.get('epoch', 0)} of {status.get('epochs', '?')} done, iteration {done}/{total}"
    if state == "running":
        eta = eta_seconds(log, status, planned_checkpoints_of(run_dir, status))
        label += f" · about {format_duration(eta)} left" if eta is not None else " · measuring speed..."
    elif state == "queued":
        label = "waiting for its turn" if status.get("total_iters") is None else label
    if status.get("node") and state in rundir.ACTIVE_STATES:   # a cluster's run (core/jobs/dispatcher.py)
        label += f" · on cluster node {status['node']}"
    st.progress(min(done / total, 1.0) if total else 0.0, text=label)


def controls(run_dir, status, group):
    state = status.get("state")
    if state in rundir.ACTIVE_STATES:
        if can_manage(run_dir):
            sweep = meta.read(run_dir).get("sweep")
            if st.button("Stop", key="train.stop", icon=":material/stop:",
                         help="Stops the whole sweep" if sweep else
                         "Stops this run and cancels the runs of its queue that have not started"):
                if sweep:   # its runs wait side by side, each in a group of its own
                    st.toast(f"Stopped the sweep's {jobs.stop_all(os.path.dirname(run_dir), sweep=sweep)} run(s).")
                else:
                    st.toast(plain_text(jobs.stop(run_dir)))   # says what really happened
        else:
            st.caption("Started by another visitor: only they or the host can stop it.")
    elif state == "failed":
        plain_error(f"The run failed: {status.get('reason') or 'no reason recorded'}")
    elif state == "finished" and (runs.metrics_log(run_dir).best_accuracy() or 0) < PLATEAU_ACCURACY:
        st.warning("This run never left the loss plateau: the model still writes about the same answer for "
                   "every date, and its attention is still uniform. Train it on more examples or for more "
                   "epochs, or pick the fast preset (its higher learning rate leaves the plateau sooner).")
    elif state == "stopped":
        kept = len(rundir.epochs(run_dir))
        lead = f"Stopped: {status['reason']}" if status.get("reason") else "Stopped by request"
        st.warning(plain_text(f"{lead}. {kept} finished epoch{'s' * (kept != 1)} kept; the weights at the stop "
                              "are the run's latest checkpoint."))


def x_span(x, status, batch_size):
    """The planned end of training in x's unit: it frames the charts before the first point."""
    total, planned = status.get("total_iters"), status.get("epochs")
    return {"epoch": planned, "iteration": total, "examples": total * batch_size if total else None}.get(x)


def loss_figure(series, options, x_max, run_dir):
    figure = curves.loss_figure(series, x=options["x"], smoothing=options["smoothing"], log_y=options["log_y"],
                                x_max=x_max)
    own = next((one for one in series if one.name == display_name(run_dir)), None)
    if own is not None:   # where the watched run saved checkpoints
        log = runs.metrics_log(run_dir)
        curves.mark_checkpoints(figure, log.other + list(log.epochs), options["x"], own.batch_size,
                                own.iters_per_epoch)
    return figure


def has_attention(run_dir):
    try:
        return rundir.read_config(run_dir).model == "attention"
    except UserError:
        return False


def charts(run_dir, status, group):
    """Loss and per-epoch scores, the group's runs overlaid when it has several; beside them, the
    attention of a probe date at the newest weights of the run that trains."""
    options = curve_controls("train.curves")
    drawn = [s for s in runs.curve_series(group) if len(s.iteration) or s.name == display_name(run_dir)]
    x_max = x_span(options["x"], status, drawn[0].batch_size if drawn else 1)
    loss = loss_figure(drawn, options, x_max, run_dir)
    scores = curves.score_figure(drawn, x=options["x"], x_max=x_max, title="Test scores per epoch")
    curves.share_x([loss, scores], at_least=x_max)   # one x range: an epoch's end sits under its loss
    left, right = st.columns(2)
    left.plotly_chart(loss, key="train.loss")
    if not has_attention(run_dir):
        right.plotly_chart(scores, key="train.accuracy")
        return
    left.plotly_chart(scores, key="train.accuracy")
    with right:
        st.markdown("**Attention, live**")
        live_attention(run_dir)
        st.caption("Rows: output characters; columns: the probe's characters. Redrawn every few seconds from "
                   "the newest weights: watch the columns sharpen as the loss drops.")
