"""Compare: one input through several epochs of a run, and runs against each other."""
import os

import pandas as pd
import streamlit as st

import ui
from core import runs, viz
from core.errors import UserError

ui.require_router(__file__)
st.title("Compare")
run = ui.run_picker("compare.run")
if run is None:
    st.stop()
epochs = runs.epochs(run["path"])

if "compare.text" not in st.session_state:
    st.session_state["compare.text"] = ui.EXAMPLES[0]
text = st.text_input("Input", key="compare.text", max_chars=100)

st.subheader("Epochs side by side")
default = sorted({epochs[0], epochs[len(epochs) // 2], epochs[-1]})
chosen = st.multiselect("Epochs", epochs, default=default, key="compare.epochs")
try:
    results = {epoch: ui.translate(run["path"], epoch, text) for epoch in chosen}
except UserError as e:
    ui.show_user_error(e)
    st.stop()
if results and next(iter(results.values())).attention is None:
    st.info(f"This run's model ({run['model']}) has no attention to show; its accuracy is compared below.")
    results = {}
for column, (epoch, result) in zip(st.columns(max(len(results), 1)), results.items()):
    mark = "" if result.correct is None else (" ✓" if result.correct else " ✗")
    column.plotly_chart(viz.attention_heatmap(result, title=f"epoch {epoch}: {result.prediction}{mark}",
                                              compact=True), key=f"compare.side.{epoch}")

if results:
    st.subheader("Step through the epochs")
    step = st.select_slider("Epoch", epochs, value=epochs[-1], key="compare.step") if len(epochs) > 1 else epochs[0]
    try:
        result = ui.translate(run["path"], step, text)
        st.plotly_chart(viz.attention_heatmap(result, title=f"epoch {step}: {result.prediction}"),
                        key="compare.stepper")
    except UserError as e:
        ui.show_user_error(e)

st.subheader("Runs against each other")
everything = ui.all_runs()
by_path = {r["path"]: r for r in everything}
picked = st.multiselect("Runs", list(by_path), default=[run["path"]], key="compare.runs",
                        format_func=lambda p: by_path[p]["run"])
epoch_records = {by_path[p]["run"]: [r for r in runs.read_metrics(p) if r.get("type") == "epoch"] for p in picked}
left, right = st.columns(2)
left.plotly_chart(viz.accuracy_curves({name: [(r["epoch"], r["test_accuracy"]) for r in records]
                                       for name, records in epoch_records.items()}), key="compare.accuracy")
right.plotly_chart(viz.accuracy_curves(
    {name: [(r["epoch"], r["alignment"]) for r in records if r.get("alignment") is not None]
     for name, records in epoch_records.items()},
    title="Alignment score per epoch", y_title="alignment score"),
    key="compare.alignment")
configs = pd.DataFrame([{"run": by_path[p]["run"], **runs.read_config(p).to_json()} for p in picked])
if not configs.empty:
    configs["data"] = configs["data"].map(lambda d: d if d == "generator" else os.path.basename(d))
    st.dataframe(configs, hide_index=True, key="compare.configs")
