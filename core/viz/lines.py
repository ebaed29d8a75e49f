"""The lines view of attention (as bertviz draws it): input characters in a row on top, output
characters below, and a line from each output character to each input character it looks at, wider
and darker the more weight it puts there. A pure function of a Translation -> go.Figure.

Wrong output characters are red, as on the heatmap; a blank output position is drawn as '␣' and
named "a blank" in its hover. With one output character selected (a click on it, or the page's
picker), its lines are drawn in colour over the others in grey, and the input characters show how
much it looks at each.
"""
import itertools

import numpy as np
import plotly.graph_objects as go

from core.viz.style import (
    LINE_RGB,
    TICK_COLOR,
    WRONG_COLOR,
    blank_or_char,
    html_text,
    shown_char,
)

# Lines are drawn in a few weight bands (one trace each, not one per line), so a 10 x 40 matrix stays
# a handful of traces; weights under the first edge are not drawn at all.
BAND_EDGES = (0.03, 0.08, 0.15, 0.25, 0.4, 0.6, 0.8, 1.0001)
GREY_RGB = "150, 150, 150"
HIGHLIGHT_FILL = "rgba(8, 81, 156, 0.15)"   # behind the selected output character
OUTPUT_TRACE = "output"                      # the name of the trace a click on a character selects


def lines_height(width):
    """The figure's height for a width: flatter in a wide window, never under 220 px."""
    return int(min(340, max(220, 0.36 * width)))


def attention_lines(result, selected=None, title=None, width=700):
    """Lines view of a Translation `width` px wide; ``selected`` (an output index) highlights that
    character's lines (the others stay, in grey)."""
    weights = result.attention
    T, S = weights.shape
    outputs = result.prediction[:T].ljust(T)
    x_in = np.arange(S, dtype=float)
    x_out = np.linspace(0, S - 1, T) if T > 1 else np.array([(S - 1) / 2])
    font = int(min(18, max(10, 0.9 * (width - 20) / (S + 1))))
    fig = go.Figure()
    for rows, rgb in ((range(T), LINE_RGB),) if selected is None else \
            (([t for t in range(T) if t != selected], GREY_RGB), ([selected], LINE_RGB)):
        _add_bands(fig, weights, rows, x_in, x_out, rgb, faint=selected is not None and rgb == GREY_RGB)
    picked = [weights[selected, s] for s in range(S)] if selected is not None else None
    fig.add_trace(_characters(x_in, 1, result.text, "input", font, weights=picked))
    wrong = getattr(result, "wrong", None) or [False] * T
    fig.add_trace(_characters(x_out, 0, outputs, OUTPUT_TRACE, font, wrong=wrong, highlight=selected,
                              sources=[_sources(weights[t], result.text) for t in range(T)]))
    fig.update_xaxes(visible=False, range=[-1, S], fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.25, 1.25], fixedrange=True)
    fig.update_layout(title=html_text(title) if title else None, height=lines_height(width),
                      margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
                      plot_bgcolor="white", clickmode="event+select", dragmode=False, hovermode="closest")
    return fig


def _add_bands(fig, weights, rows, x_in, x_out, rgb, faint=False):
    for low, high in itertools.pairwise(BAND_EDGES):
        xs, ys = [], []
        for t in rows:
            for s in np.flatnonzero((weights[t] >= low) & (weights[t] < high)):
                xs += [x_out[t], x_in[s], None]
                ys += [0.08, 0.92, None]   # stop short of the characters, so they stay readable
        if xs:
            middle = (low + min(high, 1.0)) / 2
            opacity = (0.1 + 0.25 * middle) if faint else (0.2 + 0.8 * middle)
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                line={"width": 1 + 7 * middle, "color": f"rgba({rgb}, {opacity:.2f})"}))


def _sources(row, text, count=3):
    """Where one output character looks most: "'N' 0.92, 'o' 0.05" (its few heaviest weights)."""
    top = [s for s in np.argsort(row)[::-1][:count] if row[s] >= BAND_EDGES[0]]
    return ", ".join(f"{blank_or_char(text[s])} {row[s]:.2f}" for s in top)


def _characters(xs, y, chars, role, font, weights=None, wrong=None, highlight=None, sources=None):
    """The characters of one row as text over (invisible) markers, which a click selects; hover names
    the position, a blank as a blank, and the weight or where the character looks."""
    hover = []
    for i, c in enumerate(chars):
        text = f"{role} {i + 1}: {blank_or_char(c)}"
        if wrong and wrong[i]:
            text += " (wrong)"
        if weights is not None:
            text += f", weight {weights[i]:.2f}"
        if sources is not None:
            text += f"<br>looks at {sources[i]}<br>click to highlight its lines"
        hover.append(text)
    colors = [WRONG_COLOR if wrong and wrong[i] else TICK_COLOR for i in range(len(chars))]
    marker = ["rgba(0,0,0,0)"] * len(chars)
    if highlight is not None:
        marker[highlight] = HIGHLIGHT_FILL
    return go.Scatter(x=list(xs), y=[y] * len(chars), mode="markers+text", text=[shown_char(c) for c in chars],
                      textfont={"size": font, "color": colors, "family": "monospace"},
                      marker={"size": int(font * 1.6), "symbol": "square", "color": marker},
                      selected={"marker": {"opacity": 1}}, unselected={"marker": {"opacity": 1}},
                      customdata=list(range(len(chars))), hovertext=hover, hoverinfo="text",
                      showlegend=False, name=role)
