"""Home: what Attention Lab is, and every run with its state."""
import pandas as pd
import streamlit as st

import ui

ui.require_router(__file__)
st.title("Attention Lab")
st.markdown(
    "Attention Lab trains the attention seq2seq model of *Deep Learning from Scratch 2* (chapter 8), "
    "written in plain NumPy, to turn dates like *Tuesday, November 22, 2016* into *2016-11-22*. "
    "Start a run and watch it learn, then type your own dates and see, character by character, "
    "where the decoder looks. Compare epochs and runs to see attention form as training goes on.")

rows = ui.all_runs()
if not rows:
    st.info("No runs yet: start one on the Train page.")
else:
    table = pd.DataFrame([{
        "run": r["run"], "state": r["state"], "epochs": f"{r['epochs']}/{r['planned_epochs']}",
        "best test accuracy": r["best_accuracy"], "model": r["model"],
        "data": "generator" if r["data"] == "generator" else r["data"],
        "started": ui.format_time(r["started_at"]),
    } for r in rows])
    st.dataframe(table, hide_index=True, key="home.runs", column_config={
        "best test accuracy": st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.4f")})
    for r in rows:
        if r["state"] == "failed" and r["error"]:
            st.error(f"{r['run']} failed: {r['error']}")

left, middle, right = st.columns(3)
left.page_link("pages/train.py", label="Train a model", icon=":material/model_training:")
middle.page_link("pages/attention.py", label="Look at attention", icon=":material/grid_on:")
right.page_link("pages/compare.py", label="Compare epochs and runs", icon=":material/compare:")
