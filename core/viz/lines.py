"""The lines view of attention (as bertviz draws it): input characters in a row on top, output
characters below, and a line from each output character to each input character it looks at, wider
and darker the more weight it puts there. A pure function of a Translation -> go.Figure."""
import numpy as np
import plotly.graph_objects as go

from core.viz.style import LINE_RGB, html_text, shown_char

# Lines are drawn in a few weight bands (one trace each, not one per line), so a 10 x 40 matrix stays
# a handful of traces; weights under the first edge are not drawn at all.
BAND_EDGES = (0.03, 0.08, 0.15, 0.25, 0.4, 0.6, 0.8, 1.0001)


def attention_lines(result, selected=None, title=None):
    """Lines view of a Translation; ``selected`` (an output index) draws that character's lines alone."""
    weights = result.attention
    T, S = weights.shape
    x_in = np.arange(S, dtype=float)
    x_out = np.linspace(0, S - 1, T) if T > 1 else np.array([(S - 1) / 2])
    rows = range(T) if selected is None else [selected]
    fig = go.Figure()
    for low, high in zip(BAND_EDGES[:-1], BAND_EDGES[1:]):
        xs, ys = [], []
        for t in rows:
            for s in np.flatnonzero((weights[t] >= low) & (weights[t] < high)):
                xs += [x_out[t], x_in[s], None]
                ys += [0.08, 0.92, None]   # stop short of the characters, so they stay readable
        if xs:
            middle = (low + min(high, 1.0)) / 2
            fig.add_trace(go.Scatter(
                x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                line={"width": 1 + 7 * middle, "color": f"rgba({LINE_RGB}, {0.2 + 0.8 * middle:.2f})"}))
    fig.add_trace(_characters(x_in, 1, result.text, "input", [weights[selected, s] for s in range(S)]
                              if selected is not None else None))
    fig.add_trace(_characters(x_out, 0, result.prediction[:T], "output", None, highlight=selected))
    fig.update_xaxes(visible=False, range=[-1, S])
    fig.update_yaxes(visible=False, range=[-0.25, 1.25])
    fig.update_layout(title=html_text(title) if title else None, height=300,
                      margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
                      plot_bgcolor="white")
    return fig


def _characters(xs, y, chars, role, weights=None, highlight=None):
    """The characters of one row as text markers; hover names the position (and the weight)."""
    hover = [f"{role} {i + 1} '{html_text(c)}'" + (f", weight {weights[i]:.2f}" if weights is not None else "")
             for i, c in enumerate(chars)]
    colors = ["#e4572e" if i == highlight else "#0b1f33" for i in range(len(chars))]
    return go.Scatter(x=list(xs), y=[y] * len(chars), mode="text", text=[shown_char(c) for c in chars],
                      textfont={"size": 18, "color": colors}, hovertext=hover, hoverinfo="text",
                      showlegend=False, name=role)
