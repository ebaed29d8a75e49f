"""The Home page's top: what the app is, the demo's attention for one date, and three first steps.

The picture is the demo run's latest checkpoint reading one date. Its translation is made once per
server and checkpoint file (a SharedCache, which a visitor's "clear cache" does not empty): every
visitor's landing page costs a cache look-up, not a decode.
"""
import os

import streamlit as st

from core import viz
from core.errors import UserError
from ui import runs
from ui.formatting import mark
from ui.layout import fitted
from ui.models import checkpoint_mtime, translate
from ui.paths import DEMO_RUN
from ui.shared import SharedCache

PREVIEW_TEXT = "Tuesday, November 22, 2016"
_PREVIEWS = SharedCache(max_entries=4)   # (run, checkpoint, its mtime, text) -> Translation

# (label, icon, page, what it shows): the three first steps, in the order a newcomer takes them
STEPS = (
    ("Look at attention", ":material/grid_on:", "pages/attention.py",
     "Type any date and see, character by character, where the trained model looks."),
    ("Watch it form in a replay", ":material/play_circle:", "pages/compare.py",
     "Step through the demo's checkpoints: attention goes from uniform to sharp as the loss drops."),
    ("Train your own", ":material/model_training:", "pages/train.py",
     "Pick data and settings, press Start and watch the loss, the accuracy and the attention live."),
)


def demo_row():
    """The demo run's listing row when it has a checkpoint, else None (a server without the demo)."""
    demo = os.path.normpath(DEMO_RUN)
    return next((r for r in runs.run_rows() if os.path.normpath(r["path"]) == demo and r["epochs"] > 0), None)


def demo_preview(run_dir, text=PREVIEW_TEXT):
    """(checkpoint name, its label, Translation) of text through the run's latest checkpoint, shared by
    every session; None when the run has no checkpoint or cannot read the text."""
    listing = runs.checkpoint_listing(run_dir)
    if not listing:
        return None
    latest = listing[-1]
    key = (run_dir, latest.name, checkpoint_mtime(run_dir, latest.name), text)
    try:
        result = _PREVIEWS.get_or_make(key, lambda: translate(run_dir, latest.name, text))
    except UserError:
        return None
    return latest.name, latest.label or latest.name, result


def open_step(page, demo):
    """A first step's button: the demo picked on the page it opens (Compare on its Replay tab)."""
    if demo is not None:
        prefix = {"pages/attention.py": "attention", "pages/compare.py": "compare"}.get(page)
        if prefix:
            st.session_state[f"{prefix}.run"] = demo["path"]
        if page == "pages/compare.py":
            st.session_state["compare.view"] = "Replay"
    st.switch_page(page)


def landing():
    """The top of the Home page: a lead, three first steps and the demo's attention for one date."""
    demo = demo_row()
    best = f"{demo['best_accuracy']:.2%}" if demo and demo["best_accuracy"] is not None else None
    lead = ("Attention Lab trains the attention seq2seq model of *Deep Learning from Scratch 2* (chapter 8), "
            "written in plain NumPy, to turn dates like *Tuesday, November 22, 2016* into *2016-11-22*.")
    if demo:
        lead += (" **A trained model is ready to explore:** the demo run"
                 + (f" ({best} test accuracy)" if best else "") + " ships with the app.")
    st.markdown(lead)
    # side by side in a wide window, one under the other below 1100 px (ui/layout.py's narrow-window CSS)
    steps, picture = st.container(key="home-landing").columns([2, 3], gap="large")
    with steps:
        st.markdown("**Start here**")
        for n, (label, icon, page, text) in enumerate(STEPS):
            needs_demo = page != "pages/train.py"
            if st.button(f"{n + 1}. {label}", key=f"home.step.{n}", icon=icon, width="stretch",
                         type="primary" if n == 0 else "secondary", disabled=needs_demo and demo is None,
                         help=None if demo or not needs_demo else "The demo run is not on this server"):
                open_step(page, demo)
            st.caption(text)
    with picture:
        preview = demo_preview(demo["path"]) if demo else None
        if preview is None:
            st.info("No trained model on this server yet: train one to see its attention here.")
            return
        name, label, result = preview
        st.markdown(f"**The demo's attention** ({label})")
        st.text(f"{PREVIEW_TEXT} → {mark(result)}")   # above the map: a Plotly title was cut at 900 px
        # square cells sized to the column; the width's report reruns the map alone (ui/layout.py)
        fitted("home.preview.width", lambda width: st.plotly_chart(
            viz.attention_heatmap(result, compact=True, width=width), key="home.preview", width="content",
            config={"displayModeBar": False}))
        st.caption("Rows: the answer's characters; columns: the input's. A dark cell is where the model "
                   "looked to write that character: the month's digits come from \"November\".")
