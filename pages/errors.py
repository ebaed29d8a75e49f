"""Errors: where a checkpoint goes wrong, per input format and case; open any mistake in the heatmap."""
import os

import pandas as pd
import plotly.express as px
import streamlit as st

import ui
from core import alignment, data, evaluate
from core.errors import UserError

ui.require_router(__file__)
st.title("Errors")
run, epoch = ui.run_and_epoch_picker("errors")

source = st.radio("Evaluate on", ["Fresh generated dates", "A file on the server"], horizontal=True,
                  key="errors.source")
if source == "Fresh generated dates":
    size = st.select_slider("Examples", [500, 1000, 2000, 5000, 10000], value=2000, key="errors.size")
    dataset_key = ("generated", size)
else:
    path = st.text_input("Book-format file", "../shared/data/date.txt", key="errors.path")
    dataset_key = ("file", os.path.abspath(path))


@st.cache_resource
def evaluations():
    """Finished evaluations shared by all sessions: (run, epoch, checkpoint mtime, data) -> Evaluation.

    A plain dict instead of a cached function, so the progress bar can be drawn while decoding.
    """
    return {}


def evaluate_with_progress(run_dir, epoch, dataset_key):
    kind, arg = dataset_key
    bar = st.progress(0.0, text="Reading the examples...")
    try:
        # seed 2026 differs from every training default, so these are dates the model has not seen
        dataset = data.generated(arg, seed=2026) if kind == "generated" else data.load_file(arg)
        model, vocab, config, lock = ui.load(run_dir, epoch)
        with lock:
            return evaluate.evaluate(model, vocab, config, dataset, epoch, on_progress=lambda done, total:
                                     bar.progress(done / total, text=f"Decoding {done:,}/{total:,} examples..."))
    finally:
        bar.empty()


store = evaluations()
key = (run["path"], epoch, ui.checkpoint_mtime(run["path"], epoch), dataset_key)
if key not in store:
    try:
        store[key] = evaluate_with_progress(run["path"], epoch, dataset_key)
    except UserError as e:
        ui.show_user_error(e)
        st.stop()
    while len(store) > 8:
        store.pop(next(iter(store)))   # the oldest
result = store[key]

mean_alignment, _ = alignment.mean_score(result.alignment)
c1, c2, c3 = st.columns(3)
c1.metric("Accuracy", f"{result.accuracy:.4f}", border=True)
c2.metric("Wrong", f"{int((~result.correct).sum())} of {len(result.correct)}", border=True)
if mean_alignment is not None:
    c3.metric("Mean alignment score", f"{mean_alignment:.3f}", border=True)

left, right = st.columns(2)
for column, title, groups in ((left, "format", result.by_label()), (right, "case", result.by_case())):
    frame = pd.DataFrame(groups, columns=[title, "correct", "total"])
    frame["accuracy"] = frame["correct"] / frame["total"]
    figure = px.bar(frame, x=title, y="accuracy", range_y=[0, 1.02], hover_data=["correct", "total"],
                    title=f"Accuracy per {title}")
    column.plotly_chart(figure, key=f"errors.by_{title}")

mistakes = result.mistakes()
st.subheader(f"Wrong predictions ({len(mistakes)})")
if not mistakes:
    st.success("Every prediction is right.")
    st.stop()
st.dataframe(pd.DataFrame(mistakes, columns=["input", "expected", "predicted", "format"]),
             hide_index=True, key="errors.table", height=min(400, 38 + 35 * len(mistakes)))
st.caption("Click one to open it in the attention heatmap:")


def open_in_heatmap(question):
    st.session_state["attention.text"] = question
    st.session_state["attention.run"] = run["path"]
    st.session_state["attention.epoch"] = epoch
    st.session_state["errors.open"] = True


columns = st.columns(3)
for n, (question, expected, predicted, _) in enumerate(mistakes[:30]):
    columns[n % 3].button(f"{question} → {predicted.strip()}", key=f"errors.mistake.{n}", width="stretch",
                          help=f"expected {expected.strip()}", on_click=open_in_heatmap, args=(question,))
if st.session_state.pop("errors.open", False):
    st.switch_page("pages/attention.py")
