"""The Errors page's slices, as LIT slices a dataset: accuracy per format with each format named in plain
words beside an example, a click on a bar to keep only that format's mistakes, which field of the date
is wrong, and a note when the data holds the run's own training lines."""
import os

import pandas as pd
import plotly.express as px
import streamlit as st

from core import rundir
from core.data import format_names, server_files
from core.decoding.evaluation import field_breakdown, wrong_fields
from core.errors import UserError
from core.rundir.task import data_path

ALL = "every format"
FILTER_KEY = "errors.format"


def accuracy_bars(groups, title, named=False):
    """Horizontal bars, worst first, full labels: readable with twenty formats or more. named: a format
    label is shown in plain words beside an example ("Nov 22, 2016 · month abbreviated, day, year
    (medium)"); the label itself rides along as customdata, which a click reports."""
    frame = pd.DataFrame(groups, columns=["label", "correct", "total"])
    frame["accuracy"] = frame["correct"] / frame["total"]
    frame[title] = [format_names.shown(label) for label in frame["label"]] if named else frame["label"]
    frame["label "] = frame["label"]   # the generator's own label, in the hover
    frame = frame.sort_values(["accuracy", title], ascending=[False, False])   # plotly draws bottom-up
    figure = px.bar(frame, x="accuracy", y=title, orientation="h", range_x=[0, 1.02], custom_data=["label", "correct", "total"],
                    hover_data=["correct", "total"] + ["label "] * named, title=f"Accuracy per {title}", text="accuracy")
    # "auto": inside a long bar, beside a short one (a 0.000 bar has no inside to write in)
    figure.update_traces(texttemplate="%{x:.3f}", textposition="auto", insidetextanchor="end", cliponaxis=False)
    figure.update_layout(height=120 + 26 * len(frame), margin=dict(l=10, r=10, t=50, b=30),
                         yaxis=dict(title=None, automargin=True, type="category"), clickmode="event+select")
    return figure


def _picked_format():
    """on_select of the format bars: the clicked bar's format becomes the mistakes' filter."""
    points = st.session_state["errors.by_format"].selection.points
    if points:
        label = (points[0].get("customdata") or [None])[0]
        if label:
            st.session_state[FILTER_KEY] = label


def format_chart(result):
    st.plotly_chart(accuracy_bars(result.by_label(), "format", named=True), key="errors.by_format",
                    on_select=_picked_format, selection_mode="points")
    st.caption("Click a bar to list only that format's mistakes below.")


def format_filter(mistakes, labels):
    """A selectbox of the evaluation's formats (labels; a bar click sets it) -> the mistakes kept."""
    if len(labels) < 2:
        return mistakes
    if st.session_state.get(FILTER_KEY) not in [ALL] + list(labels):
        st.session_state[FILTER_KEY] = ALL   # another run's format, or another data set's
    chosen = st.selectbox("Show the mistakes of", [ALL] + list(labels), key=FILTER_KEY,
                          format_func=lambda label: label if label == ALL else format_names.shown(label))
    kept = mistakes if chosen == ALL else [m for m in mistakes if m[3] == chosen]
    if not kept:
        st.success("No wrong prediction in this format.")
    return kept


def field_chart(mistakes, where):
    """How many of the mistakes get the year, the month or the day wrong (a mistake can count in two);
    nothing for answers that are not dates."""
    counts = field_breakdown(mistakes)
    if not counts:
        return
    frame = pd.DataFrame({"field": list(counts), "mistakes": list(counts.values())})
    figure = px.bar(frame, x="mistakes", y="field", orientation="h", text="mistakes",
                    title="Which field is wrong", category_orders={"field": list(counts)})
    figure.update_layout(height=200, margin=dict(l=10, r=10, t=50, b=30), yaxis_title=None)
    where.plotly_chart(figure, key="errors.fields")
    where.caption("How many of the wrong predictions get each part of the date wrong (one can miss two).")


def mistakes_frame(mistakes):
    """The table of mistakes, with the wrong fields of a date answer named."""
    rows = [{"input": q, "expected": a, "predicted": p, "wrong": ", ".join(wrong_fields(a.strip(), p.strip()) or ()),
             "format": label} for q, a, p, label in mistakes]
    frame = pd.DataFrame(rows, columns=["input", "expected", "predicted", "wrong", "format"])
    frame["format"] = [format_names.shown(label) for label in frame["format"]]
    if not frame["wrong"].any():
        frame = frame.drop(columns="wrong")
    if all(label == "all" for *_, label in mistakes):   # no format labels (evaluation.py: not dates)
        frame = frame.drop(columns="format")
    return frame


def training_overlap_note(run, chosen):
    """A note when the chosen data file is the one the run trained on: 90% of its lines were training
    examples, so its accuracy there says little about unseen dates."""
    try:
        config = rundir.read_config(run["path"])
    except UserError:
        return
    trained_on = data_path(run["path"], config)
    same = trained_on and os.path.realpath(trained_on) == os.path.realpath(chosen.path)
    if not same and config.data_sha256 and config.data_size_bytes == chosen.size:   # an upload's twin
        try:
            same = server_files.sha256(server_files.read_bounded(chosen.path)) == config.data_sha256
        except UserError:
            same = False
    if same:
        st.warning("This is the file the run trained on: 90% of its lines were its training examples, so "
                   "accuracy here is mostly recall, not a test. Pick \"This run's test split\" above for the "
                   "lines it never trained on.")
