"""Train: start a run (or queue it behind others) in a background process and watch it live."""
import os

import streamlit as st

import ui
from core import jobs, rundir
from core.errors import UserError
from ui import sweep_form, train_watch
from ui.train_estimate import estimate_panel
from ui.train_form import requests, start_buttons, training_form

REFRESH_S = 1.5        # while something trains or waits
IDLE_REFRESH_S = 10.0  # otherwise: only to notice a run someone else starts

ui.require_router(__file__)
st.title("Train")
me = ui.owner_hash()
live_slot = st.container()    # the live view comes first, so it is in sight after Start
queue = jobs.queue_state(ui.RUNS_ROOT)
active = bool(queue["running"] or queue["waiting"])


def my_group():
    """The runs to follow: the group this tab started, else this browser's group in the queue."""
    watched = [d for d in st.session_state.get("train.watch", []) if os.path.isdir(d)]
    if watched:
        return watched
    groups = queue["running"] + queue["waiting"]
    mine = [g for g in groups if g.get("owner") == me]
    return mine[0]["runs"] if mine else []


def start(form):
    """Queue what the form asks for; the page then follows it (or says in one line why it cannot)."""
    try:
        made, upload, notes = requests(form)   # checks the class code and the host's caps
        st.session_state["train.watch"] = jobs.start_queue(
            ui.RUNS_ROOT, made, upload=upload, requester=ui.requester(), cores=ui.training_cores(),
            cluster=ui.cluster_address())
        st.session_state["train.notes"] = notes   # shown above the run it was started with
        st.rerun()   # the live view takes the top of the page, the form folds away
    except UserError as e:
        ui.plain_error(e)


def new_runs():
    """The form, its live estimate, Start, and the Sweep tab: one fragment, so a changed setting reruns
    only this part of the page (ui/train_form.py says why its layout keeps every widget in place)."""
    form = training_form()
    one_run, sweep = st.tabs(["One run", "Sweep over seeds and settings"])
    with one_run:
        estimate_panel(form)
        form = start_buttons(form)
        if form.start or form.comparison:
            start(form)
    with sweep:
        sweep_form.sweep_tab(form)


following = my_group()
form_open = not any(rundir.read_status(d).get("state") in rundir.ACTIVE_STATES for d in following)
with st.expander("New training run or sweep", expanded=form_open, icon=":material/tune:"):
    st.fragment(new_runs)()
    if active:
        st.caption("Another run is training: a new one joins the queue and starts when its turn comes.")
    ui.addition_demo()   # one click trains the book's chapter 7 addition task (ui/addition_demo.py)


def live_view(group, watching_other):
    state = jobs.queue_state(ui.RUNS_ROOT)
    if bool(state["running"] or state["waiting"]) != active:
        st.rerun()   # a run started or ended: the whole page adapts (form folded or open, refresh rate)
    if not group:
        st.info("No training run yet. Set one up below and press Start.")
        return
    run_dir = train_watch.current_of(group)
    status = rundir.read_status(run_dir)
    st.subheader(f"{train_watch.display_name(run_dir)}: {status.get('state', 'unknown')}")
    if watching_other:
        st.caption("Training now for another visitor: you can watch it. Your own runs start from the form below.")
    if group == st.session_state.get("train.watch"):
        for note in st.session_state.get("train.notes", []):
            st.warning(note, icon=":material/hourglass_empty:")
    train_watch.queue_panel(state, group, me)
    sweep_form.sweep_link(group)
    if len(group) > 1:
        train_watch.group_table(group)
    train_watch.progress(run_dir, status, ui.metrics_log(run_dir))
    train_watch.controls(run_dir, status, group)
    train_watch.charts(run_dir, status, group)


def newest_of_mine():
    """After a reload, with nothing of this browser's in the queue: its latest run, finished or not."""
    mine = [r for r in ui.run_rows() if r.get("owner") == me]
    return [max(mine, key=lambda r: r["started_at"] or 0)["path"]] if mine else []


watching_other = not following and queue["current"] is not None
shown = following or (queue["current"]["runs"] if queue["current"] else newest_of_mine())
with live_slot:
    st.fragment(live_view, run_every=REFRESH_S if active else IDLE_REFRESH_S)(shown, watching_other)
