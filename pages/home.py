"""Home: what the app is and where to start (ui/landing.py), then the runs: every run with its state
and settings; open one in a view, rename it, annotate it, delete it."""
import os

import pandas as pd
import streamlit as st

import ui
from core import rundir
from ui.host import host_login
from ui.landing import landing
from ui.run_editor import run_editor

REFRESH_S = 2.0        # while a run trains or waits
IDLE_REFRESH_S = 10.0  # otherwise: only to notice a new run
MAX_ERRORS_SHOWN = 3

ui.require_router(__file__)
st.title("Home")   # the sidebar's name for this page (app.py)
landing()          # what the app is, the demo's attention, three first steps
st.header("Runs", divider="gray")
host_login()
me = ui.owner_hash()
active_at_load = any(r["state"] in rundir.ACTIVE_STATES for r in ui.run_rows())


def shown_state(row):
    """A damaged run's state with its reason ("damaged: status.json is not a JSON object")."""
    return f"{row['state']}: {row['reason']}" if row["state"] == rundir.DAMAGED else row["state"]


def table(rows):
    return pd.DataFrame([{
        "name": r["name"], "state": shown_state(r), "epochs": f"{r['epochs']}/{r['planned_epochs']}",
        "best test accuracy": r["best_accuracy"], "model": r["model"], "hidden": r["hidden"], "lr": r["lr"],
        "batch": r["batch"], "data": r["data_label"],   # "generator, 20,000"
        "seed": r["seed"], "started": ui.format_time(r["started_at"]), "yours": r["owner"] == me and r["owner"] is not None,
        "note": r["note"], "run": r["run"],
    } for r in rows])


def select_row():
    """Table click -> the run picker below (by path, so a new run shifting the rows picks nothing else)."""
    picked = st.session_state["home.runs"].selection.rows
    order = st.session_state.get("home.order", [])
    if picked and picked[0] < len(order):
        st.session_state["home.run"] = order[picked[0]]


def open_in(page, key, run_dir):
    st.session_state[key] = run_dir
    st.switch_page(page)


def manager(rows):
    by_path = {r["path"]: r for r in rows}
    if st.session_state.get("home.run") not in by_path:
        st.session_state.pop("home.run", None)
    label = lambda p: ui.run_label(by_path[p])   # noqa: E731
    ui.keep_choice("home.run", by_path)   # a rename changes the label: the choice stays
    path = st.selectbox("Run", list(by_path), format_func=label, key="home.run", help="Or click a row of the table")
    row = by_path[path]
    left, right = st.columns([2, 3])
    with left:
        st.text(f"{row['name']}\nfolder: {row['run']}\n{row['model']}, hidden {row['hidden']}, lr {row['lr']}, "
                f"batch {row['batch']}, seed {row['seed']}\ndata: {row['data_label']}"
                + (f"\nended: {ui.format_time(row['ended_at'])}" if row["ended_at"] else ""))
        if row["note"]:
            st.text(row["note"])   # users' text: plain, never Markdown
        has_epochs = row["epochs"] > 0
        # one under the other: side by side they were cut to "O..." in a 900 px window
        if st.button("Open in Attention", key="home.open.attention", icon=":material/grid_on:", disabled=not has_epochs,
                     help=None if has_epochs else "No finished epoch yet", width="stretch"):
            open_in("pages/attention.py", "attention.run", path)
        if st.button("Open in Compare", key="home.open.compare", icon=":material/compare:", disabled=not has_epochs,
                     help=None if has_epochs else "No finished epoch yet", width="stretch"):
            open_in("pages/compare.py", "compare.run", path)
        if row["state"] in ("failed", rundir.DAMAGED) and row["reason"]:
            st.code(row["reason"], language=None, wrap_lines=True)
    with right:
        if os.path.normpath(path) == os.path.normpath(ui.DEMO_RUN):
            st.caption("The demo run ships with the app: it cannot be renamed or deleted.")
        elif ui.can_manage(row):
            run_editor(row)
        else:
            st.caption("Started by another visitor: only they or the host can change it.")


def runs_view():
    rows = ui.run_rows()
    if any(r["state"] in rundir.ACTIVE_STATES for r in rows) != active_at_load:
        st.rerun()   # a run started or ended: change the refresh rate
    if not rows:
        st.info("No runs yet: start one on the Train page.")
        return
    st.session_state["home.order"] = [r["path"] for r in rows]
    st.dataframe(table(rows), hide_index=True, key="home.runs", on_select=select_row, selection_mode="single-row",
                 column_config=ui.runs_column_config(   # every column's header explains it
                     **{"best test accuracy": st.column_config.ProgressColumn(
                         min_value=0.0, max_value=1.0, format="percent", help=ui.BEST_ACCURACY_HELP),
                        "yours": st.column_config.CheckboxColumn(help=ui.RUNS_COLUMN_HELP["yours"]),
                        "lr": st.column_config.NumberColumn(format="%.4g", help=ui.RUNS_COLUMN_HELP["lr"]),
                        "run": st.column_config.TextColumn("folder", help=ui.RUNS_COLUMN_HELP["folder"])}))
    failed = [r for r in rows if r["state"] == "failed" and r["reason"]]
    for r in failed[:MAX_ERRORS_SHOWN]:
        ui.plain_error(f"{r['run']} failed: {r['reason']}")
    if len(failed) > MAX_ERRORS_SHOWN:
        st.caption(f"and {len(failed) - MAX_ERRORS_SHOWN} more failed runs (pick one below to read why)")
    st.subheader("Manage a run")
    manager(rows)


st.fragment(runs_view, run_every=REFRESH_S if active_at_load else IDLE_REFRESH_S)()
