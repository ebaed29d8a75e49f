"""Errors: where a checkpoint goes wrong, per input format (in plain words, with an example) and case, and
which field; a bar click keeps that format's mistakes; open any mistake in the heatmap."""
import streamlit as st

import ui
from core.decoding import alignment
from core.errors import UserError
from ui.error_views import accuracy_bars, field_chart, format_chart, format_filter, mistakes_frame, \
    training_overlap_note
from ui.evaluations import GENERATED, RUN_SPLIT, evaluated, sources

ui.require_router(__file__)
st.title("Errors")
ui.open_from_link("errors")   # /errors?run=demo&iteration=400
run, checkpoint = ui.run_and_checkpoint_picker("errors")
ui.sync_link("errors", run, checkpoint)

offered = sources(run["path"])   # the run's own test split (file runs), generated dates (date runs), a file
if st.session_state.get("errors.source") not in offered:
    st.session_state["errors.source"] = offered[0]   # a choice another run offered (dates, for an addition run)
source = st.radio("Evaluate on", offered, horizontal=True, key="errors.source")
if source == RUN_SPLIT:
    dataset_key = ("run", run["path"])
elif source == GENERATED:
    size = st.select_slider("Examples", [500, 1000, 2000, 5000, 10000], value=2000, key="errors.size")
    dataset_key = ("generated", size)
else:
    chosen = ui.data_file_picker("errors.data_file")
    if chosen is None:
        st.stop()
    # size and mtime in the key: a replaced file is evaluated again, an unchanged one is not
    dataset_key = ("file", chosen.name, chosen.size, chosen.mtime_ns)
    training_overlap_note(run, chosen)
st.session_state["errors.dataset_key"] = dataset_key   # the agreement of attention and gradients uses it too

try:
    result = evaluated(run["path"], checkpoint, dataset_key)
except UserError as e:
    ui.plain_error(e)
    st.stop()
if result is None:
    st.info("Decoding cancelled.")
    st.button("Evaluate", key="errors.again", icon=":material/play_arrow:")
    st.stop()

if dataset_key[0] == "generated" and len(result.correct) < dataset_key[1]:
    st.caption(f"{dataset_key[1] - len(result.correct):,} of the {dataset_key[1]:,} generated dates are written in "
               "forms this model cannot read (characters or lengths it never saw: it was trained before the "
               "generator learnt them) and are left out.")
mean_alignment, _ = alignment.mean_score(result.alignment)
# fixed-width metrics in a wrapping row, as on the Attention page: never cut in a 900 px window
with st.container(horizontal=True, wrap=True, key="errors.metrics"):
    st.metric("Accuracy", f"{result.accuracy:.4f}", border=True, width=180)
    st.metric(f"Wrong, of {len(result.correct):,}", f"{int((~result.correct).sum()):,}", border=True, width=180)
    if mean_alignment is not None:
        st.metric("Mean alignment score", f"{mean_alignment:.3f}", border=True, width=200)


mistakes = result.mistakes()
if ui.only_for_dates(ui.task_of(run), "Accuracy per format and case"):
    format_chart(result)   # full width: each format in plain words beside an example
    left, right = st.columns(2)
    left.plotly_chart(accuracy_bars(result.by_case(), "case"), key="errors.by_case")
    field_chart(mistakes, right)

st.subheader(f"Wrong predictions ({len(mistakes)})")
if not mistakes:
    st.success("Every prediction is right.")
    st.stop()
mistakes = format_filter(mistakes, [label for label, _, _ in result.by_label()])   # a bar click sets it
if not mistakes:
    st.stop()
st.caption("Click a row to open it in the attention heatmap.")
picked = st.dataframe(mistakes_frame(mistakes), hide_index=True, key=f"errors.table.{len(mistakes)}",
                      height=min(400, 38 + 35 * len(mistakes)), on_select="rerun", selection_mode="single-row")
rows = picked.selection.rows if picked else []
if rows and rows[0] < len(mistakes):
    st.session_state["attention.text"] = mistakes[rows[0]][0]
    st.session_state["attention.run"] = run["path"]
    st.session_state["attention.epoch"] = checkpoint   # the picker keeps the checkpoint name there
    st.session_state["attention.epoch.run"] = run["path"]   # ... and which run that name belongs to
    st.switch_page("pages/attention.py")
