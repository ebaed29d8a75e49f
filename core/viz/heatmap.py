"""The attention heatmap: rows are output characters, columns input characters in reading order, with a
strip of the model's confidence in each output character and the colour bar beside them. A pure
function of a Translation and the width it will be drawn in -> go.Figure.

The figure is laid out in pixels for that width (`heatmap_geometry`): square cells as large as fit
(at most MAX_CELL), fonts sized to the cells so row labels never overlap, and the height that follows.
"""
import math
from dataclasses import dataclass

import plotly.graph_objects as go

from core.viz.style import (
    CONFIDENCE_SCALE,
    HEATMAP_SCALE,
    SPAN_COLOR,
    TICK_COLOR,
    WRONG_COLOR,
    blank_or_char,
    html_text,
    marked_char,
    shown_char,
)

MAX_CELL = 40          # px: a short input in a wide window gets big squares, not a wall of colour
MIN_CELL = 6           # px: below this nothing is readable; the figure is wider than asked instead
STRIP_PX = 40          # the confidence strip: "1.00" printed in 11 px digits fits
WRONG_PX = 44          # right of the strip, "✗ '3'" on a wrong row (only when a row is wrong)
COLORBAR_PX = 56       # the colour bar beside the strip: bar, tick labels and its vertical title
GAP_PX = 8
READABLE_CELL = 13     # px: the smallest cell whose labels (10 px) read easily; side-by-side maps keep it


@dataclass(frozen=True)
class Geometry:
    """Where everything goes, in px, for a T x S heatmap drawn `width` px wide."""
    width: int          # the figure's width
    height: int         # the figure's height: the cells stay square
    cell: float         # the side of a cell
    font: int           # the characters on both axes
    left: int           # margin holding the row labels (and the axis title)
    top: int            # margin holding the title, the column labels (and the axis title)
    bottom: int
    strip: bool         # confidence strip and colour bar drawn
    wrong_labels: bool  # room for the right character beside wrong rows
    axis_titles: bool
    columns: int

    @property
    def map_width(self):
        return self.cell * self.columns


def heatmap_geometry(T, S, width, title=False, compact=False, strip=True, wrong=False):
    """The layout of a T-row, S-column heatmap `width` px wide.

    Cells are square: the columns share what the labels, the strip and the colour bar leave, up to
    MAX_CELL; the height is T cells plus the margins. Fonts follow the cell (a label never taller than
    its row), between 9 and 16 px. `compact` (Compare's side-by-side maps, the Train page's probe):
    no strip, no colour bar, no axis titles.
    """
    strip = strip and not compact
    wrong = wrong and strip
    axis_titles = not compact and width >= 600
    # the row labels are one character (about 0.62 of the font wide), after the tick and a gap
    left_guess = _left_margin(16, axis_titles)
    beside = (GAP_PX + STRIP_PX + (WRONG_PX if wrong else 0) + GAP_PX + COLORBAR_PX) if strip else 0
    cell = min(MAX_CELL, max(MIN_CELL, (width - left_guess - beside - 6) / S))
    # a label is about 1.17 fonts tall; a compact map in a narrow column gets small labels, never overlapping
    font = max(7 if compact else 9, min(16, math.floor(cell / 1.25)))
    left = _left_margin(font, axis_titles)
    top = (26 if title else 4) + math.ceil(1.4 * font) + 8 + (20 if axis_titles else 0)
    bottom = 8
    used = left + S * cell + beside + 6   # at most `width`, unless MIN_CELL needs more
    return Geometry(width=math.ceil(used), height=math.ceil(top + T * cell + bottom),
                    cell=cell, font=font, left=left, top=top, bottom=bottom, strip=strip, wrong_labels=wrong,
                    axis_titles=axis_titles, columns=S)


def _left_margin(font, axis_titles):
    return math.ceil(12 + 0.62 * font + (30 if axis_titles else 0))


def maps_per_row(T, S, width, count, gap):
    """How many compact T x S maps fit side by side in `width` px (at most `count`, at least one) with
    cells of at least READABLE_CELL px."""
    for n in range(max(1, count), 1, -1):
        if heatmap_geometry(T, S, (width - (n - 1) * gap) / n, title=True, compact=True).cell >= READABLE_CELL:
            return n
    return 1


def attention_heatmap(result, title=None, spans=None, compact=False, width=700):
    """Heatmap of a Translation drawn `width` px wide: rows output characters, columns input characters
    in reading order.

    Axes are integer positions with the characters as tick labels, so repeated characters
    ("2016-11-22" has two 1s) stay separate rows and columns. ``spans`` (one (start, end) or None per
    output character) outlines the input characters each output character should come from. Unless
    ``compact``, a strip right of the rows shows how sure the model was of each output character (its
    softmax probability), the colour bar stands beside it, and where the right answer is known the
    wrong output characters are marked in red, with the right one beside them.
    """
    weights = result.attention
    T, S = weights.shape
    inputs, outputs = list(result.text), list(result.prediction[:T].ljust(T))
    confidence = getattr(result, "confidence", None)
    wrong = getattr(result, "wrong", None) or [False] * T
    expected = (result.expected or "").ljust(T)
    g = heatmap_geometry(T, S, width, title=bool(title), compact=compact, strip=confidence is not None,
                         wrong=any(wrong))
    plot_width = g.width - g.left - 6
    frac = lambda px: px / plot_width
    map_end = frac(g.map_width)
    hover = [[_cell_hover(t, outputs[t], s, inputs[s], weights[t, s], confidence) for s in range(S)]
             for t in range(T)]
    fig = go.Figure(go.Heatmap(
        z=weights.tolist(), x=list(range(S)), y=list(range(T)), zmin=0.0, zmax=1.0,
        colorscale=HEATMAP_SCALE, text=hover, hoverinfo="text", xgap=1, ygap=1, showscale=g.strip,
        # beside the strip, as tall as the rows
        colorbar={"title": {"text": "weight", "side": "right", "font": {"size": 11}}, "thickness": 10,
                  "len": T * g.cell, "lenmode": "pixels", "y": 1, "yanchor": "top", "ypad": 0,
                  "x": frac(g.map_width + GAP_PX + STRIP_PX + (WRONG_PX if g.wrong_labels else 0) + GAP_PX),
                  "xanchor": "left", "xpad": 0, "tickvals": [0, 0.5, 1], "tickfont": {"size": 10}}))
    tick_font = {"size": g.font, "color": TICK_COLOR, "family": "monospace"}
    fig.update_xaxes(tickmode="array", tickvals=list(range(S)), ticktext=[shown_char(c) for c in inputs],
                     side="top", tickangle=0, tickfont=tick_font, showgrid=False, zeroline=False, ticks="",
                     title={"text": "input (reading order)", "font": {"size": 12}} if g.axis_titles else None,
                     range=[-0.5, S - 0.5], domain=[0, min(1.0, map_end)], constrain="domain")
    fig.update_yaxes(tickmode="array", tickvals=list(range(T)), tickfont=tick_font,
                     ticktext=[marked_char(c, bad) for c, bad in zip(outputs, wrong)],
                     title={"text": "output", "font": {"size": 12}} if g.axis_titles else None,
                     range=[T - 0.5, -0.5], showgrid=False, zeroline=False, ticks="", ticklabelstandoff=4,
                     scaleanchor="x", scaleratio=1, constrain="domain", constraintoward="top")
    if g.strip:
        _confidence_strip(fig, g, frac, outputs, confidence, wrong, expected)
    for row, span in enumerate(spans or []):
        if span:
            fig.add_shape(type="rect", x0=span[0] - 0.5, x1=span[1] - 0.5, y0=row - 0.5, y1=row + 0.5,
                          name="source", line={"color": SPAN_COLOR, "width": 2})
    fig.update_layout(title={"text": html_text(title) if title else None, "y": 1, "yref": "container",
                             "yanchor": "top", "pad": {"t": 4}, "x": 0, "xref": "paper",
                             "font": {"size": 13 if compact else 15}},
                      width=g.width, height=g.height, plot_bgcolor="white", meta={"drawn_for": width},
                      margin={"l": g.left, "r": 6, "t": g.top, "b": g.bottom, "pad": 0, "autoexpand": False})
    return fig


def _confidence_strip(fig, g, frac, outputs, confidence, wrong, expected):
    """The strip (its own x axis, STRIP_PX wide, GAP_PX right of the map), each probability printed in
    its cell; a wrong row's cell framed in red with the right character beside it."""
    T = len(outputs)
    start = frac(g.map_width + GAP_PX)
    fig.add_trace(go.Heatmap(
        z=[[float(p)] for p in confidence], x=[0], y=list(range(T)), zmin=0.0, zmax=1.0, xaxis="x2",
        colorscale=CONFIDENCE_SCALE, showscale=False, ygap=1, text=[[f"{p:.2f}"] for p in confidence],
        texttemplate="%{text}", textfont={"size": 11, "color": TICK_COLOR},
        customdata=[[_strip_hover(t, outputs[t], confidence[t], wrong[t], expected[t])] for t in range(T)],
        hovertemplate="%{customdata}<extra></extra>"))
    fig.update_layout(xaxis2={"domain": [start, frac(g.map_width + GAP_PX + STRIP_PX)], "anchor": "y",
                              "range": [-0.5, 0.5], "side": "top", "tickmode": "array", "tickvals": [0],
                              "ticktext": ["p"], "tickfont": {"size": g.font, "color": TICK_COLOR,
                                                              "family": "monospace"},
                              "showgrid": False, "zeroline": False, "fixedrange": True})
    for row, bad in enumerate(wrong):
        if bad:
            fig.add_shape(type="rect", xref="x2", yref="y", x0=-0.5, x1=0.5, y0=row - 0.5, y1=row + 0.5,
                          name="wrong", line={"color": WRONG_COLOR, "width": 3})
            fig.add_annotation(text=f"✗ '{html_text(expected[row])}'", xref="x2", x=0.5, xanchor="left",
                               xshift=4, y=row, yref="y", showarrow=False,
                               font={"size": min(13, g.font), "color": WRONG_COLOR})


def _cell_hover(t, out, s, inp, weight, confidence):
    text = (f"output {t + 1} {blank_or_char(out)} &lt;- input {s + 1} {blank_or_char(inp)}, "
            f"weight {weight:.3f}")
    if confidence is not None:
        text += f"<br>the model was {confidence[t]:.1%} sure of {blank_or_char(out)}"
    return text


def _strip_hover(t, out, p, bad, right):
    text = f"output {t + 1} {blank_or_char(out)}: confidence {p:.3f}"
    return text + (f"<br>wrong: the right character is {blank_or_char(right)}" if bad else "")

