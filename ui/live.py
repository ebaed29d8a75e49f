"""The live attention widget of the Train page: a probe's attention at a run's newest weights (a date, or
one of the run's own questions for another task)."""
import streamlit as st

from core import viz
from core.errors import UserError
from ui import models, runs
from ui.formatting import mark
from ui.layout import container_width
from ui.plain import plain_error


def live_attention(run_dir, key="train.probe"):
    """The probe date's attention at the run's newest weights: the live snapshot while it trains,
    else its latest checkpoint. Typed before or during training; every tab computes its own."""
    task = models.task(run_dir)   # a date for a date run, one of its own questions for any other task
    # The first example as the box's default, not set through st.session_state: inside this run_every
    # fragment the browser sent a state-set value back empty a few seconds later. A box per kind of task,
    # so a date typed for one run is not offered to an addition run.
    text = st.text_input(f"Probe {task.noun}", task.examples[0] if task.examples else "",
                         key=key if task.dates else f"{key}.{task.kind}", max_chars=100,
                         help=f"Any {task.noun} the model can read: its attention is redrawn from the newest "
                              "weights every few seconds.")
    try:
        live_result = models.translate_live(run_dir, text)
        if live_result is not None:
            result, iteration = live_result
            where = f"iteration {iteration:,} (live)"
        else:
            listing = runs.checkpoint_listing(run_dir)
            if not listing:
                st.caption("The heatmap appears with the first weights the run saves.")
                return
            result, where = models.translate(run_dir, listing[-1].name, text), listing[-1].label
    except UserError as e:
        plain_error(e)
        return
    width = container_width(f"{key}.width")   # square cells as large as the column allows
    st.plotly_chart(viz.attention_heatmap(result, title=f"{where}: {mark(result)}", compact=True, width=width),
                    key=f"{key}.heatmap", width="content")
