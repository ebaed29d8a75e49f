"""The attention figures as pages show them, sized to the width the browser gives them (ui.layout):
the heatmap (Attention, Compare's step-through), Compare's maps side by side, and the lines view."""
import re

import streamlit as st

from core import viz
from core.viz import heatmap
from core.viz.lines import lines_height
from ui.formatting import mark
from ui.layout import fitted
from ui.plain import escape_markdown

SIDE_BY_SIDE_GAP_PX = 16      # st.container(gap="small")


def file_stem(*parts):
    """A download's file name from a run's name and more: "my run", "epoch_003" -> "my-run-epoch_003"."""
    stem = "-".join(re.sub(r"[^A-Za-z0-9._]+", "-", str(p)).strip("-._") for p in parts if p)
    return stem[:120] or "attention"


def heatmap_chart(result, key, title=None, spans=None, width=None, file_name="attention"):
    """The attention heatmap as wide as its container (measured unless `width` is given), cells square."""
    def draw(width):
        figure = viz.attention_heatmap(result, title=title, spans=spans, width=width)
        st.plotly_chart(figure, key=key, width="content", config={"toImageButtonOptions": {"filename": file_name}})

    if width:
        draw(width)
    else:
        fitted(f"{key}.width", draw)   # the width's report reruns the figure alone (ui/layout.py)


def side_by_side(results, captions, keys, width):
    """Compact heatmaps of several checkpoints, as many to a row as keep their cells readable (at least
    heatmap.READABLE_CELL px): two in a 1400 px window, one under the other in a 900 px one."""
    if not results:
        return
    T, S = results[0].attention.shape
    per_row = heatmap.maps_per_row(T, S, width, len(results), SIDE_BY_SIDE_GAP_PX)
    each = int((width - (per_row - 1) * SIDE_BY_SIDE_GAP_PX) / per_row)
    row = st.container(horizontal=True, gap="small")
    for result, caption, key in zip(results, captions, keys):
        cell = row.container(width=each)
        cell.caption(caption)   # above the chart: a two-line Plotly title had its first line cut
        cell.plotly_chart(viz.attention_heatmap(result, title=mark(result), compact=True, width=each),
                          key=key, width="content")


def lines_view(result, key, file_name="attention"):
    """The lines view with its picker of one output character; hovering a character highlights its
    lines, a click picks it; the picture as drawn downloads as SVG. Picker and picture rerun on their
    own (a fragment, ui.layout.fitted): the width's report, a pick."""
    fitted(f"{key}.lines.width", lambda width: _lines(result, key, width, file_name))


def _lines(result, key, width, file_name):
    T = result.attention.shape[0]
    outputs = result.prediction[:T].ljust(T)
    wrong = result.wrong or [False] * T
    picked = st.segmented_control(
        "Output character", ["all"] + list(range(T)), default="all", key=f"{key}.lines_pick",
        format_func=lambda p: "all" if p == "all" else escape_markdown(
            f"{p + 1}: {blank_named(outputs[p])}" + (" ✗" if p < len(wrong) and wrong[p] else "")))
    svg = viz.attention_lines(result, selected=None if picked in (None, "all") else picked, width=width)
    _LINES(key=f"{key}.lines", data={"svg": svg}, height=lines_height(width),
           on_picked_change=lambda: _pick_clicked(key, T))
    # a standalone SVG (its hover style included): for slides and notes, sharp at any size
    st.download_button("Download the lines view (SVG)", svg, file_name=f"{file_name}-lines.svg",
                       mime="image/svg+xml", key=f"{key}.lines_svg", on_click="ignore")


def blank_named(char):
    return "␣ (blank)" if char == " " else char


def _pick_clicked(key, T):
    """A click on an output character of the lines view picks it in the picker above (a callback: it
    runs before the widgets are drawn again)."""
    clicked = getattr(st.session_state.get(f"{key}.lines"), "picked", None)
    if isinstance(clicked, int) and 0 <= clicked < T:
        st.session_state[f"{key}.lines_pick"] = clicked


# The lines view's SVG (core.viz.lines, which escapes every user character) set into the component's
# own shadow root, where its <style> does the hover highlight. A click reports the output character as
# a trigger value, so clicking the same character again (after "all" in the picker) reports again.
_LINES_JS = """
export default function (component) {
  const { parentElement, data, setTriggerValue } = component;
  let box = parentElement.querySelector(".lines-box");
  if (!box) {
    box = document.createElement("div");
    box.className = "lines-box";
    parentElement.appendChild(box);
  }
  if (box.drawnSvg === data.svg) return;   // a rerun with the same picture keeps the hover as it is
  box.drawnSvg = data.svg;
  box.innerHTML = data.svg;
  box.querySelectorAll("g.col").forEach((column) => {
    column.addEventListener("click", () => setTriggerValue("picked", Number(column.dataset.t)));
  });
}
"""
_LINES = st.components.v2.component("attention_lab.attention_lines", js=_LINES_JS,
                                    css=".lines-box svg { display: block; }")
