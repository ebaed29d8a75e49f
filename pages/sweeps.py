"""Sweeps: the spread over seeds of each setting of a sweep (python -m core.sweep queues one)."""
import pandas as pd
import streamlit as st

import ui
from core import jobs, rundir
from core.training import sweep
from core.viz import sweeps as sweep_figures

ui.require_router(__file__)
st.title("Sweeps")
st.caption("Where the loss leaves its plateau varies a lot from seed to seed, so one run says little about "
           "a setting. A sweep trains every setting on several seeds; here is the spread.")
rows = ui.run_rows()
sweep_ids = sorted({r["sweep"] for r in rows if r.get("sweep")}, reverse=True)
if not sweep_ids:
    st.info("No sweep yet. Queue one from the Train page (its tab \"Sweep over seeds and settings\"), or, "
            "on the server's shell, `python -m core.sweep --seeds 0-4 --lr 0.001,0.003 --epochs 3` "
            "(README, \"Sweeps\").")
    st.stop()
link = st.query_params.get("sweep")
if link in sweep_ids and (link != st.session_state.get("sweeps.shown") or "sweeps.id" not in st.session_state):
    st.session_state["sweeps.id"] = link   # a link opens its sweep (a new link, one from the Train page too)
chosen = st.selectbox("Sweep", sweep_ids, key="sweeps.id")
st.session_state["sweeps.shown"] = chosen
if link != chosen:
    st.query_params["sweep"] = chosen   # the address names the sweep shown, to share it

members = [r for r in rows if r.get("sweep") == chosen]
runs = [(r.get("setting") or "default", ui.metrics_log(r["path"]).epochs) for r in members]
active = [r for r in members if r["state"] in rundir.ACTIVE_STATES]
st.progress(1 - len(active) / len(members), text=f"{len(members) - len(active)} of {len(members)} runs ended")
# the host, or the visitor whose browser queued every run of it (a sweep from the Train page)
may_stop = all(ui.can_manage(r) for r in members)
if active and may_stop and st.button("Stop the whole sweep", key="sweeps.stop", icon=":material/stop:"):
    st.toast(ui.plain_text(f"Stopped {jobs.stop_all(ui.RUNS_ROOT, sweep=chosen)} run(s)."))

table = pd.DataFrame(sweep.summary(runs))
for column in table.columns.drop("setting"):
    table[column] = pd.to_numeric(table[column])   # "not reached" (None) shows as an empty cell
st.dataframe(table, hide_index=True, key="sweeps.table", column_config={
    name: st.column_config.NumberColumn(format="%.4f") for name in ("min", "q1", "median", "q3", "max")})
st.caption("Final test accuracy over the seeds of each setting (the last epoch, whole test split): "
           "quartiles and extremes; share of seeds reaching 99% and 99.9% at an epoch's end, and the median "
           "iterations and training seconds it took them.")
st.download_button("Download the table (CSV)", table.to_csv(index=False), file_name=f"{chosen}.csv",
                   mime="text/csv", key="sweeps.csv")
# one under the other: side by side, their titles and setting labels were cut in a 900 px window
st.plotly_chart(sweep_figures.spread_figure(runs), key="sweeps.spread")
st.plotly_chart(sweep_figures.seed_curves_figure(runs), key="sweeps.curves")
